"""Agents change a ticket's language, and the family's with it, saying why; and read the
language history. Scoped like the ticket itself; the rule is support.language_changes'."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from devices.models import Family
from devices.service.families import get_family, visible_families
from dfc.audit.models import SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.errors import Conflict, InvalidInput, NotFound
from dfc.i18n import BY_CODE
from support import desk
from support.language_changes import REASON_LIMIT, language_history, record_change
from support.language_choice import AGENT
from support.models import Ticket, TicketLanguageChange


@dataclass(frozen=True)
class LanguageChanged:
    ticket: Ticket
    family: Family | None  # the ticket's family, whose language may have changed too
    change: TicketLanguageChange


def change_by_agent(
    session: Session,
    *,
    caller: Caller,
    ticket_id: int,
    language: str,
    reason: str,
    also_family: bool,
    now: datetime | None = None,
) -> LanguageChanged:
    """An agent sets the ticket's language, and the family's too when `also_family`, saying
    why (the family asked on the phone, the school knows them)."""
    desk._require_worker(caller)
    ticket = desk.get_ticket(session, caller=caller, ticket_id=ticket_id)
    if ticket.merged_into_id is not None:
        raise Conflict("This ticket was merged into another: change that ticket's language")
    if language not in BY_CODE:
        served = ", ".join(BY_CODE)
        raise InvalidInput(f"Choose a language we serve ({served})", field="language")
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise InvalidInput("Say why the language changes", field="reason")
    if len(reason) > REASON_LIMIT:
        raise InvalidInput(f"The reason must be {REASON_LIMIT} characters or fewer", field="reason")
    family = _family_of(session, caller, ticket) if also_family else None
    change = record_change(
        session,
        ticket=ticket,
        to_language=language,
        source=AGENT,
        changed_by="staff" if caller.user_id else "api-key",
        reason=reason,
        family=family,
        staff_user_id=caller.user_id,
        now=now,
    )
    if change is None:
        already = "The ticket and the family are" if family else "The ticket is"
        raise Conflict(f"{already} already in that language", field="language")
    return LanguageChanged(ticket=ticket, family=family, change=change)


def _family_of(session: Session, caller: Caller, ticket: Ticket) -> Family:
    no_family = InvalidInput(
        "This ticket has no family on record: only the ticket's language can change",
        field="also_family",
    )
    if ticket.family_id is None:
        raise no_family
    try:
        return get_family(session, caller=caller, family_id=ticket.family_id)
    except NotFound:
        raise no_family from None


def show_language(
    session: Session, *, caller: Caller, ticket_id: int, seen: Where
) -> tuple[Ticket, Family | None, list[TicketLanguageChange]]:
    """The ticket's language, its family's and every change with who and why, for the desk:
    the read is recorded in the access audit, as the ticket's own is."""
    desk._require_desk(caller)
    ticket = desk.get_ticket(session, caller=caller, ticket_id=ticket_id)
    family = ticket_family(session, caller=caller, ticket=ticket)
    history = language_history(session, ticket)
    record_shown(session, caller, seen, subject_type=SubjectType.TICKET, subjects=[ticket.id])
    return ticket, family, history


def ticket_family(session: Session, *, caller: Caller, ticket: Ticket) -> Family | None:
    """The ticket's family, if it has one the caller reaches."""
    if ticket.family_id is None:
        return None
    reached = visible_families(caller).where(Family.id == ticket.family_id)
    return session.exec(reached).one_or_none()
