"""Changing a ticket's language, and the family's recorded language with it, in one place:
the family naming theirs in a text (support.text_language) or an agent on the ticket page or
the API (support.language_agents). Every change is kept (`ticket_language_change`) with who
made it and why."""

from datetime import datetime

from sqlmodel import Session, select

from devices.models import Family
from devices.service.families import set_preferred_language
from dfc.db_types import utcnow
from support.models import Ticket, TicketLanguageChange

FAMILY_BY_TEXT = "family by text"
REASON_LIMIT = 500


def record_change(
    session: Session,
    *,
    ticket: Ticket,
    to_language: str,
    source: str,
    changed_by: str,
    reason: str,
    family: Family | None = None,
    staff_user_id: int | None = None,
    opened_by_it: bool = False,
    now: datetime | None = None,
) -> TicketLanguageChange | None:
    """Sets the ticket's language (and `family`'s, if given) and keeps the change; None when
    neither changes. `opened_by_it`: the text that named the language opened the ticket, so
    the ticket had no language before."""
    from_language = None if opened_by_it else ticket.language
    family_before = None
    if family is not None and family.preferred_language != to_language:
        family_before = set_preferred_language(session, family=family, language=to_language)
    if from_language == to_language and family_before is None:
        return None
    ticket.language, ticket.language_source, ticket.language_confidence = to_language, source, None
    change = TicketLanguageChange(
        ticket_id=ticket.id,
        family_id=family.id if family_before is not None and family else None,
        from_language=from_language,
        to_language=to_language,
        family_from_language=family_before,
        changed_by=changed_by,
        staff_user_id=staff_user_id,
        reason=reason[:REASON_LIMIT],
        changed_at=now or utcnow(),
    )
    session.add_all([ticket, change])
    session.flush()
    return change


def language_history(session: Session, ticket: Ticket) -> list[TicketLanguageChange]:
    """The ticket's language changes, oldest first."""
    statement = select(TicketLanguageChange).where(TicketLanguageChange.ticket_id == ticket.id)
    return list(session.exec(statement.order_by(TicketLanguageChange.id)))
