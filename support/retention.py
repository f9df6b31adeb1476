"""The help desk's retention rules (see privacy.retention): ticket text (ticket-text)
and spent one-time codes (follow-code). A ticket keeps its category, language, status and
times, so the figures by language and category never change."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, delete, exists, or_, select, update
from sqlmodel import Session

from support.models import FollowCode, Ticket, TicketMessage, TicketStatus

if TYPE_CHECKING:
    from dfc.personal_data.cutoff import Cutoff

REMOVED_TEXT = "[removed after the retention period]"
FINISHED = (TicketStatus.RESOLVED, TicketStatus.CLOSED)
_SYNC = {"synchronize_session": False}


def _finished_before(moment: datetime) -> ColumnElement[bool]:
    """Resolved or closed, and neither updated nor resolved since `moment`."""
    return (
        Ticket.status.in_(FINISHED)
        & (Ticket.updated_at < moment)
        & or_(Ticket.resolved_at.is_(None), Ticket.resolved_at < moment)
    )


def ticket_open_or_closed_since(
    *, family_id: ColumnElement, phone_number: ColumnElement, since: datetime
) -> ColumnElement[bool]:
    """EXISTS a ticket of the family (by id or by its phone number) that is still open or
    finished on or after `since`: the family's data is still needed."""
    return exists().where(
        or_(Ticket.family_id == family_id, Ticket.phone_number == phone_number),
        ~_finished_before(since),
    )


def tickets_due(cutoff: "Cutoff") -> Select:
    """Finished tickets past the cutoff that still hold text or a phone number."""
    text_left = exists().where(
        TicketMessage.ticket_id == Ticket.id, TicketMessage.body != REMOVED_TEXT
    )
    return select(Ticket.id).where(
        _finished_before(cutoff.at), or_(Ticket.phone_number.is_not(None), text_left)
    )


def remove_ticket_text(session: Session, ids: list[int]) -> int:
    """Replace every message's text with a placeholder, drop its translation and the
    phone number."""
    session.execute(
        update(TicketMessage)
        .where(TicketMessage.ticket_id.in_(ids), TicketMessage.body != REMOVED_TEXT)
        .values(body=REMOVED_TEXT, translated_text=None)
        .execution_options(**_SYNC)
    )
    return session.execute(
        update(Ticket)
        .where(Ticket.id.in_(ids))
        .values(phone_number=None)
        .execution_options(**_SYNC)
    ).rowcount


def follow_codes_due(cutoff: "Cutoff") -> Select:
    return select(FollowCode.id).where(FollowCode.expires_at < cutoff.at)


def delete_follow_codes(session: Session, ids: list[int]) -> int:
    return session.execute(
        delete(FollowCode).where(FollowCode.id.in_(ids)).execution_options(**_SYNC)
    ).rowcount
