"""Sign-in, sign-out and the signed-in home page."""

from datetime import timedelta
from typing import Annotated

from babel.dates import format_time
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func
from sqlmodel import select

from accounts import organisations
from accounts.deps import SESSION_COOKIE, PageCaller, SessionDep
from accounts.models import CredentialKind, Organisation, OrganisationKind, Role
from accounts.sign_in import (
    AccountLocked,
    SignInFailed,
    issue_credential,
    revoke_credential,
    sign_in,
)
from dfc.i18n import N_, babel_locale, translations
from dfc.settings import get_settings
from dfc.web.csrf import CsrfChecked
from dfc.web.templating import page_language, render

router = APIRouter(include_in_schema=False)
HOME_SCHOOL_LIMIT = 20
ROLE_NAMES = {
    Role.SCHEME_ADMIN: N_("Scheme administrator"),
    Role.COUNCIL_OFFICER: N_("Council officer"),
    Role.SCHOOL_STAFF: N_("School staff"),
    Role.SUPPORT_AGENT: N_("Support agent"),
    Role.NETWORK_USER: N_("Mobile network user"),
}


def _local(path: str | None) -> str:
    """Where to go after signing in: a path on this site only, never another site."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return path


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/sign-in")
def sign_in_page(request: Request, caller: PageCaller) -> Response:
    if caller is not None:
        return _see_other(_local(request.query_params.get("next")))
    return render(
        request,
        "sign_in.html",
        {
            "errors": [],
            "field_errors": {},
            "email": "",
            "next": _local(request.query_params.get("next")),
        },
    )


@router.post("/sign-in")
def sign_in_submit(
    request: Request,
    session: SessionDep,
    _csrf: CsrfChecked,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    language = page_language(request)
    _ = translations(language.code).gettext
    field_errors = {}
    if not email.strip():
        field_errors["email"] = _("Enter your email address")
    if not password:
        field_errors["password"] = _("Enter your password")
    if not field_errors:
        try:
            user = sign_in(session, email=email, password=password)
        except SignInFailed:
            field_errors["email"] = _("Email address or password is not right")
        except AccountLocked as locked:
            until = format_time(
                locked.until.astimezone(get_settings().zone),
                format="short",
                locale=babel_locale(language, get_settings().DEFAULT_LOCALE),
            )
            field_errors["email"] = _("You have tried too many times. Try again after %(time)s") % {
                "time": until
            }
        finally:
            session.commit()
    if field_errors:
        errors = [{"text": text, "href": f"#{field}"} for field, text in field_errors.items()]
        return render(
            request,
            "sign_in.html",
            {"errors": errors, "field_errors": field_errors, "email": email, "next": _local(next)},
            status_code=400,
        )
    _credential, secret = issue_credential(
        session,
        user=user,
        kind=CredentialKind.WEB_SESSION,
        lifetime=timedelta(hours=get_settings().SESSION_HOURS),
    )
    session.commit()
    response = _see_other(_local(next))
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        httponly=True,
        samesite="lax",
        secure=get_settings().SECURE_COOKIES,
        max_age=get_settings().SESSION_HOURS * 3600,
    )
    return response


@router.post("/sign-out")
def sign_out(request: Request, session: SessionDep, _csrf: CsrfChecked) -> Response:
    if secret := request.cookies.get(SESSION_COOKIE):
        revoke_credential(session, secret=secret)
        session.commit()
    response = _see_other("/sign-in")
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
def home(request: Request, session: SessionDep, caller: PageCaller) -> Response:
    if caller is None:  # a family, most likely: help first, staff sign-in beside it
        return render(request, "welcome.html", {})
    visible = organisations.visible_query(caller).subquery()
    counts = dict(session.exec(select(visible.c.kind, func.count()).group_by(visible.c.kind)).all())
    schools = session.exec(
        organisations.visible_query(caller, kind=OrganisationKind.SCHOOL)
        .order_by(Organisation.name)
        .limit(HOME_SCHOOL_LIMIT)
    ).all()
    school_count = counts.get(OrganisationKind.SCHOOL.value, 0)
    catalogue = translations(page_language(request).code)
    return render(
        request,
        "home.html",
        {
            "role_name": catalogue.gettext(ROLE_NAMES[caller.role]) if caller.role else "",
            "council_count": counts.get(OrganisationKind.COUNCIL.value, 0),
            "school_count": school_count,
            "schools": schools,
            "more_schools": max(0, school_count - len(schools)),
            "everything": caller.organisation_kind is OrganisationKind.SCHEME,
        },
        caller=caller,
    )
