"""What the desk's staff pages share: who may open them, the clock they judge SLAs by, and
the plain-English names of statuses, teams and SLA states."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends
from pydantic import BeforeValidator

from accounts.models import Role
from accounts.staff import staff
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.i18n import BY_CODE, LANGUAGES
from support.language_names import english_name
from support.models import Author, Category, Team, TicketPriority, TicketStatus
from support.pages.help import CATEGORY_NAMES
from support.sla import SlaState

# School staff read their own families' tickets; the service decides who may act.
TicketReader = Annotated[
    Caller,
    Depends(staff(Role.SUPPORT_AGENT, Role.COUNCIL_OFFICER, Role.SCHEME_ADMIN, Role.SCHOOL_STAFF)),
]


def desk_now() -> datetime:
    """The moment SLAs are judged at; a dependency, so tests can fix the clock."""
    return utcnow()


Now = Annotated[datetime, Depends(desk_now)]
# A filter left at "Any" is sent as an empty value; it means no filter.
Blank = BeforeValidator(lambda value: value or None)

STATUS = {
    TicketStatus.NEW: "New",
    TicketStatus.OPEN: "Open",
    TicketStatus.WAITING_ON_FAMILY: "Waiting on family",
    TicketStatus.RESOLVED: "Resolved",
    TicketStatus.CLOSED: "Closed",
}
PRIORITY = {
    TicketPriority.URGENT: "Urgent",
    TicketPriority.HIGH: "High",
    TicketPriority.NORMAL: "Normal",
    TicketPriority.LOW: "Low",
}
TEAM = {
    Team.SCHOOL_IT: "School IT",
    Team.COUNCIL_HELPDESK: "Council helpdesk",
    Team.SUPPLIER: "Supplier",
    Team.NATIONAL_HELPLINE: "National helpline",
}
# (label, tag colour): the words carry the meaning, the colour only repeats it.
SLA = {
    SlaState.OK: ("On time", "govuk-tag--green"),
    SlaState.DUE_SOON: ("Due soon", "govuk-tag--yellow"),
    SlaState.BREACHED: ("Breached", "govuk-tag--red"),
}
AUTHOR = {
    Author.FAMILY: "Family",
    Author.STAFF: "School staff",
    Author.AGENT: "Support team",
    Author.SYSTEM: "The service",
}
CATEGORY: dict[Category, str] = dict(CATEGORY_NAMES)  # the English source text


def language_label(code: str) -> dict[str, Any]:
    """A language as its own name (marked with its code) and its English name."""
    served = BY_CODE.get(code)
    return {
        "code": code,
        "native": served.native_name if served else code,
        "english": english_name(code),
        "direction": direction(code),
    }


def direction(code: str) -> str:
    """Family-written text in a right-to-left language is marked rtl; otherwise the browser
    decides from the text itself."""
    served = BY_CODE.get(code)
    return "rtl" if served and served.right_to_left else "auto"


def choices(labels: dict) -> list[tuple[str, str]]:
    return [
        (key.value, label if isinstance(label, str) else label[0]) for key, label in labels.items()
    ]


def _choice_label(code: str, native: str) -> str:
    english = english_name(code)
    return english if english == native else f"{english} ({native})"


LANGUAGE_CHOICES = [
    (language.code, _choice_label(language.code, language.native_name)) for language in LANGUAGES
]
