"""Message templates, rendered in the recipient's language from the Babel catalogues.

Family messages are short, say what will happen and whom to contact. Dates and numbers are
formatted by Babel for the recipient's locale. A missing translation falls back to English
and is logged, so a gap in a catalogue never stops a message."""

import logging
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from babel.dates import format_date, format_skeleton
from babel.numbers import format_percent

from dfc.i18n import BY_CODE, ENGLISH, N_, babel_locale, translations
from dfc.settings import get_settings
from notifications.models import Audience

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Template:
    audience: Audience
    body: str
    subject: str | None = None
    translated: bool = True  # False: the text is already in the recipient's language
    # Sent because the family just asked (a confirmation, a code, a reply to their text):
    # never held overnight, unlike alerts, or a code would expire before it arrived.
    requested: bool = False
    # Answers a consent keyword: sent even to a number that has just opted out, since
    # carriers expect one last text confirming it (and nothing after it).
    about_consent: bool = False


TEMPLATES: dict[str, Template] = {
    # The register's alerts: one text a family a morning (devices.family_texts). One thing
    # due gets its own message; several get "family-alerts", a %(list)s of ITEMS. %(device)s is
    # a DEVICE_NAMES phrase, %(contact)s a name or a CONTACT_WITH_PHONE phrase. Every family
    # text stays within 3 segments in every language (tests/notifications/test_segments.py).
    "support-ending": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: %(device)s gets help and updates until %(date)s. "
            "It will still work after that. Questions? Contact %(contact)s."
        ),
    ),
    "unsupported": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: %(device)s no longer gets help or updates. "
            "Contact %(contact)s to keep it safe."
        ),
    ),
    "connectivity-ending": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: the 4G internet for your child's laptop ends on %(date)s. "
            "Contact %(contact)s to stay online."
        ),
    ),
    "data-nearly-used": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: your child's 4G dongle has used %(percent)s of this month's "
            "data. It renews on %(date)s. Need more? Contact %(contact)s."
        ),
    ),
    "data-used-up": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: your child's 4G dongle has used all of this month's data. "
            "It renews on %(date)s. Need more? Contact %(contact)s."
        ),
    ),
    # A loan's review or return date (devices.alerts): a week before, and on the day.
    "loan-review-soon": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: the school will check %(device)s is still working and "
            "needed on %(date)s. Questions? Contact %(contact)s."
        ),
    ),
    "loan-review-due": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: %(device)s is due for its check with the school. "
            "Please contact %(contact)s."
        ),
    ),
    "loan-return-soon": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: please give %(device)s back to the school by %(date)s. "
            "Questions? Contact %(contact)s."
        ),
    ),
    "loan-return-due": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: %(device)s is due back at the school. "
            "Please contact %(contact)s."
        ),
    ),
    "family-alerts": Template(
        Audience.FAMILY, N_("Devices for Children: %(list)s Contact %(contact)s.")
    ),
    # When the list would not fit in 3 segments (several devices, a very long name).
    "family-alerts-short": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: help, updates or 4G for your child's devices end soon. "
            "Contact %(contact)s."
        ),
    ),
    # Answers to Twilio's keywords; the keywords stay in English, as carriers read them.
    "texts-off": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: you will get no more texts from us. To get them again, "
            "reply START."
        ),
        requested=True,
        about_consent=True,
    ),
    "texts-on": Template(
        Audience.FAMILY,
        N_("Devices for Children: you will get our texts again. To stop them, reply STOP."),
        requested=True,
        about_consent=True,
    ),
    "texts-help": Template(
        Audience.FAMILY,
        N_(
            "Devices for Children: text us what is wrong with your child's laptop or dongle "
            "and we will reply. Reply STOP to stop texts, START to get them again."
        ),
        requested=True,
        about_consent=True,
    ),
    # Staff read the service in English; their digest is not in the families' catalogues.
    "staff-digest": Template(
        Audience.STAFF,
        "%(items)s",
        subject="Devices for Children: what needs doing, %(date)s",
        translated=False,
    ),
}


# The register's alerts in a list, by the kind of thing due; a device by its kind.
ITEMS = {
    "support-ending": N_("%(device)s: help and updates end %(date)s."),
    "unsupported": N_("%(device)s: no more help or updates."),
    "connectivity-ending": N_("4G internet ends %(date)s."),
    "data-nearly-used": N_("4G data: %(percent)s used."),
    "data-used-up": N_("4G data used up until %(date)s."),
    "loan-review-soon": N_("%(device)s: school check on %(date)s."),
    "loan-review-due": N_("%(device)s: due for its school check."),
    "loan-return-soon": N_("%(device)s: give back by %(date)s."),
    "loan-return-due": N_("%(device)s: due back at school."),
}
DEVICE_NAMES = {"laptop": N_("Laptop %(name)s"), "tablet": N_("Tablet %(name)s")}
CONTACT_WITH_PHONE = N_("%(name)s on %(phone)s")


@dataclass(frozen=True)
class Phrase:
    """Words inside a message, translated with it: a device's name, one thing in a list, a
    contact with their number. Its values are formatted as the message's are."""

    text: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DayMonth:
    """A date within the year ahead, written without its year ("30 September"), so a list
    of things due stays short."""

    day: date


class UnknownTemplate(KeyError):
    pass


def register(templates: dict[str, Template]) -> None:
    """Other domains (the support desk) add their messages here, once, at import."""
    clashes = set(templates) & set(TEMPLATES)
    if clashes:
        raise ValueError(f"templates defined twice: {', '.join(sorted(clashes))}")
    TEMPLATES.update(templates)


def _language(code: str) -> str:
    return code if code in BY_CODE else ENGLISH.code


def translate(text: str, code: str) -> str:
    """`text` in the language `code`; English, logged, where the catalogue has no entry."""
    catalogue = translations(code)
    # Asked of the catalogue itself: a translation may be the same words ("Tablet %(name)s").
    if code != ENGLISH.code and text not in getattr(catalogue, "_catalog", {}):
        _log_missing(code, text)
    return catalogue.gettext(text)


@lru_cache(maxsize=1024)
def _log_missing(code: str, text: str) -> None:
    """Once per language and text, not once per message."""
    log.warning("missing %s translation for %r; sending English", code, text[:60])


def format_value(value: Any, code: str) -> str:
    """Dates, shares of a whole and phrases in the recipient's locale; a list is its
    phrases one after another (each a sentence)."""
    if isinstance(value, Phrase):
        values = {key: format_value(inner, code) for key, inner in value.values.items()}
        return translate(value.text, code) % values
    if isinstance(value, list):
        return " ".join(format_value(inner, code) for inner in value)
    if isinstance(value, str | int):  # a name, a phone number, a count: as it is
        return str(value)
    locale = babel_locale(BY_CODE[code], get_settings().DEFAULT_LOCALE)
    if isinstance(value, DayMonth):
        return format_skeleton("MMMMd", value.day, locale=locale)
    if isinstance(value, date):
        return format_date(value, format="long", locale=locale)
    if isinstance(value, float):
        return format_percent(value, locale=locale)
    return str(value)


def render(name: str, *, language: str, context: dict[str, Any]) -> tuple[str | None, str]:
    """(subject, body) of template `name` in `language`, with `context` filled in."""
    if name not in TEMPLATES:
        raise UnknownTemplate(name)
    template = TEMPLATES[name]
    code = _language(language)
    values = {key: format_value(value, code) for key, value in context.items()}
    localise = (lambda text: translate(text, code)) if template.translated else (lambda t: t)
    body = localise(template.body) % values
    subject = localise(template.subject) % values if template.subject else None
    return subject, body
