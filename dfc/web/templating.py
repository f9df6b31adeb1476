"""Rendering pages: Jinja2 with GOV.UK Frontend's macros, in the visitor's language."""

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    pass_context,
    select_autoescape,
)
from jinja2.runtime import Context
from markupsafe import Markup

from dfc.caller import Caller
from dfc.i18n import ENGLISH, LANGUAGES, Language, babel_locale, negotiate, translations
from dfc.settings import get_settings
from dfc.web.assets import static_url
from dfc.web.csrf import CSRF_COOKIE, csrf_token_for
from dfc.web.navigation import sections_for
from dfc.web.urls import csv_url, url_with

LANGUAGE_COOKIE = "dfc_lang"
LANGUAGE_PARAMETER = "lang"
LAYOUT_KEYS = frozenset(
    {"request", "caller", "language", "languages", "language_url", "csrf_token", "navigation",
     "content_lang", "gettext", "ngettext", "format_date", "format_datetime", "format_number"}
)  # fmt: skip
TEMPLATE_DIRS = [Path(__file__).resolve().parent / "templates"]


def _newstyle(gettext: Callable[..., str]) -> Callable[..., str]:
    """Jinja's newstyle gettext: `_('Hello %(name)s', name=x)` escapes `x` in HTML."""

    @pass_context
    def translate(context: Context, message: str, *args: Any, **variables: Any) -> str:
        text = gettext(message, *args)
        if context.eval_ctx.autoescape:
            text = Markup(text)  # noqa: S704 (catalogue text is ours; variables are escaped)
        if args:  # ngettext: the count is available as %(num)s
            variables.setdefault("num", args[-1])
        return text % variables if variables else text

    return translate


def _blank_if_none(value: Any) -> Any:
    return "" if value is None else value


def choices(items: Any, value: str = "id", label: str = "name") -> list[tuple[Any, Any]]:
    """(value, label) pairs for a select, e.g. `schools|choices("id", "name")`."""
    return [(getattr(item, value), getattr(item, label)) for item in items]


@lru_cache
def environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader([str(path) for path in TEMPLATE_DIRS]),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        # Nothing prints as "None": an empty optional field stays empty on every page, and a
        # form shown again never offers the word "None" to be saved.
        finalize=_blank_if_none,
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.filters["choices"] = choices
    env.globals["static_url"] = static_url
    return env


def add_template_dir(path: Path) -> None:
    """Each domain adds its own templates folder; the layout lives here."""
    if path not in TEMPLATE_DIRS:
        TEMPLATE_DIRS.append(path)
        environment.cache_clear()


def page_language(request: Request) -> Language:
    return negotiate(
        asked=request.query_params.get(LANGUAGE_PARAMETER),
        remembered=request.cookies.get(LANGUAGE_COOKIE),
        accept_language=request.headers.get("accept-language"),
        default=get_settings().DEFAULT_LOCALE,
    )


def _switch_url(request: Request, code: str) -> str:
    url = request.url.include_query_params(**{LANGUAGE_PARAMETER: code})
    return f"{url.path}?{url.query}"


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    caller: Caller | None = None,
    status_code: int = 200,
    staff: bool = False,
) -> HTMLResponse:
    """A page in the visitor's language, with what the layout needs. A `staff` page's
    content is in English (marked lang="en") inside the chosen language's header and footer."""
    clash = LAYOUT_KEYS & set(context or {})
    if clash:  # e.g. a ticket's "language" would turn the whole page right to left
        raise ValueError(f"{template}: these names belong to the layout: {sorted(clash)}")
    language = page_language(request)
    catalogue = translations(language.code)
    # Staff content is English, so its dates and numbers are written the English way too.
    locale = babel_locale(ENGLISH if staff else language, get_settings().DEFAULT_LOCALE)
    zone = get_settings().zone
    page_context = {
        "request": request,
        "caller": caller,
        "language": language,
        "languages": LANGUAGES,
        "language_url": lambda code: _switch_url(request, code),
        "csrf_token": csrf_token_for(request),
        "navigation": sections_for(caller, request.url.path, catalogue.gettext),
        "content_lang": "en" if staff else language.code,
        "url_with": lambda **changes: url_with(request, **changes),
        "csv_url": lambda: csv_url(request),
        "summary_links": lambda errors: [
            {"text": text, "href": f"#{field}"} for field, text in errors.items()
        ],
        "gettext": _newstyle(catalogue.gettext),
        "ngettext": _newstyle(catalogue.ngettext),
        "format_date": lambda value: (
            format_date(value, format="long", locale=locale) if isinstance(value, date) else ""
        ),
        "format_datetime": lambda value: (
            format_datetime(value.astimezone(zone), format="medium", locale=locale)
            if isinstance(value, datetime)
            else ""
        ),
        "format_number": lambda value: format_decimal(value, locale=locale),
        **(context or {}),
    }
    response = Jinja2Templates(env=environment()).TemplateResponse(
        request, template, page_context, status_code=status_code
    )
    secure = get_settings().SECURE_COOKIES
    if new_token := getattr(request.state, "new_csrf_token", None):
        response.set_cookie(CSRF_COOKIE, new_token, httponly=True, samesite="lax", secure=secure)
    if (
        request.query_params.get(LANGUAGE_PARAMETER)
        and request.cookies.get(LANGUAGE_COOKIE) != language.code
    ):
        response.set_cookie(
            LANGUAGE_COOKIE, language.code, max_age=365 * 24 * 3600, samesite="lax", secure=secure
        )
    return response
