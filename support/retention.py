"""The help desk's retention rules (see privacy.retention): ticket text (ticket-text),
the photos and files families sent (ticket-file) and spent one-time codes (follow-code).
A ticket keeps its category, language, status and times, so the figures by language and
category never change."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Select, delete, exists, or_, select, update
from sqlmodel import Session

from dfc.file_store import media_store
from support.media.models import AttachmentStatus, TicketAttachment
from support.models import (
    FollowCode,
    Ticket,
    TicketLanguageChange,
    TicketMessage,
    TicketStatus,
)

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
    """Replace every message's text, and every language change's reason (it may quote the
    family), with a placeholder, drop the messages' translations and the phone number."""
    session.execute(
        update(TicketMessage)
        .where(TicketMessage.ticket_id.in_(ids), TicketMessage.body != REMOVED_TEXT)
        .values(body=REMOVED_TEXT, translated_text=None)
        .execution_options(**_SYNC)
    )
    session.execute(
        update(TicketLanguageChange)
        .where(TicketLanguageChange.ticket_id.in_(ids), TicketLanguageChange.reason != REMOVED_TEXT)
        .values(reason=REMOVED_TEXT)
        .execution_options(**_SYNC)
    )
    return session.execute(
        update(Ticket)
        .where(Ticket.id.in_(ids))
        .values(phone_number=None)
        .execution_options(**_SYNC)
    ).rowcount


def files_due(cutoff: "Cutoff") -> Select:
    """Files on finished tickets past the cutoff that are still stored or still point at
    Twilio."""
    return (
        select(TicketAttachment.id)
        .join(Ticket, Ticket.id == TicketAttachment.ticket_id)
        .where(
            _finished_before(cutoff.at),
            or_(TicketAttachment.storage_key.is_not(None), TicketAttachment.media_url.is_not(None)),
        )
    )


def remove_files(session: Session, ids: list[int]) -> int:
    """Deletes the files (and thumbnails) from storage, then forgets where they were; a file
    already gone is no error, so a run interrupted between the two only repeats itself."""
    store = media_store()
    for key in session.execute(
        select(TicketAttachment.storage_key).where(
            TicketAttachment.id.in_(ids), TicketAttachment.storage_key.is_not(None)
        )
    ).scalars():
        store.delete(key)
        store.delete(f"{key}-thumb")
    return session.execute(
        update(TicketAttachment)
        .where(TicketAttachment.id.in_(ids))
        .values(
            storage_key=None,
            media_url=None,
            thumbnail=False,
            next_attempt_at=None,
            status=AttachmentStatus.REMOVED,
        )
        .execution_options(**_SYNC)
    ).rowcount


def follow_codes_due(cutoff: "Cutoff") -> Select:
    return select(FollowCode.id).where(FollowCode.expires_at < cutoff.at)


def delete_follow_codes(session: Session, ids: list[int]) -> int:
    return session.execute(
        delete(FollowCode).where(FollowCode.id.in_(ids)).execution_options(**_SYNC)
    ).rowcount
