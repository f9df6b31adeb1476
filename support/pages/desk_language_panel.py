"""The ticket page's language section: the family's recorded language, every change to the
ticket's (who, why, when) and the choices for changing it. Kept apart from the rest of the
ticket page, which it only adds to."""

from typing import Any

from sqlmodel import Session

from dfc.caller import Caller
from support import desk
from support.language_agents import ticket_family
from support.language_changes import FAMILY_BY_TEXT, language_history
from support.models import Ticket
from support.pages.desk_common import LANGUAGE_CHOICES, english_name

SOURCES = {
    "detected": "detected from the family's words",
    "family": "the family's recorded language",
    "default": "we could not tell, so English until the family names theirs or staff change it",
    "named": "the family named it in a text",
    "word": "the family's word for help",
    "agent": "set by staff",
}


def language_panel(session: Session, caller: Caller, ticket: Ticket) -> dict[str, Any]:
    """What the section shows; the ticket page has recorded the read already."""
    history = language_history(session, ticket)
    names = desk.staff_names(session, {change.staff_user_id for change in history})
    family = ticket_family(session, caller=caller, ticket=ticket)
    return {
        "source": SOURCES.get(ticket.language_source, ticket.language_source),
        "family_language": english_name(family.preferred_language) if family else None,
        "has_family": family is not None,
        "choices": LANGUAGE_CHOICES,
        "history": [
            {
                "when": change.changed_at,
                "who": _who(change.changed_by, names.get(change.staff_user_id or 0)),
                "ticket": f"{english_name(change.from_language)} to "
                f"{english_name(change.to_language)}"
                if change.from_language
                else f"Opened in {english_name(change.to_language)}",
                "family": f"{english_name(change.family_from_language)} to "
                f"{english_name(change.to_language)}"
                if change.family_from_language
                else "Not changed",
                "why": change.reason,
            }
            for change in history
        ],
    }


def _who(changed_by: str, name: str | None) -> str:
    if changed_by == FAMILY_BY_TEXT:
        return "The family, by text"
    if changed_by == "api-key":
        return "An integration (API key)"
    return name or "A member of staff"
