"""Families' photos and files for the staff who may read the ticket: the list shown on the
ticket page, and the files themselves, each read recorded in the access audit."""

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, select

from dfc.audit.models import SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.errors import Forbidden, NotFound
from dfc.file_store import media_store
from dfc.web.stored_files import EXTENSIONS, StoredFile
from support.desk import DESK_ROLES, get_ticket
from support.media.models import AttachmentStatus, TicketAttachment


def by_message(session: Session, message_ids: Iterable[int | None]) -> dict[int, list]:
    """Each message's files, in the order the family sent them (one query); the caller has
    already been given the ticket these messages belong to."""
    ids = [message_id for message_id in message_ids if message_id is not None]
    found: dict[int, list[TicketAttachment]] = defaultdict(list)
    if not ids:
        return found
    for attachment in session.exec(
        select(TicketAttachment)
        .where(TicketAttachment.message_id.in_(ids))
        .order_by(TicketAttachment.message_id, TicketAttachment.position)
    ):
        found[attachment.message_id].append(attachment)
    return found


def open_file(
    session: Session,
    *,
    caller: Caller,
    ticket_id: int,
    attachment_id: int,
    seen: Where,
    thumbnail: bool = False,
) -> StoredFile:
    """A stored file (or its thumbnail) of a ticket the caller reaches; another
    organisation's answers 404. Opening the file itself is recorded as a read of the
    ticket; its thumbnail is part of the ticket page, whose read is recorded already."""
    if not caller.has_role(*DESK_ROLES):
        raise Forbidden("Only staff read families' files")
    ticket = get_ticket(session, caller=caller, ticket_id=ticket_id)
    attachment = session.exec(
        select(TicketAttachment).where(
            TicketAttachment.id == attachment_id,
            TicketAttachment.ticket_id == ticket.id,
            TicketAttachment.status == AttachmentStatus.STORED,
        )
    ).one_or_none()
    if (
        attachment is None
        or attachment.storage_key is None
        or (thumbnail and not attachment.thumbnail)
    ):
        raise NotFound(f"No stored file {attachment_id} on ticket {ticket_id}")
    key = f"{attachment.storage_key}-thumb" if thumbnail else attachment.storage_key
    try:
        data = media_store().get(key)
    except (FileNotFoundError, KeyError):
        raise NotFound(f"File {attachment_id} is no longer stored") from None
    if not thumbnail:
        record_shown(session, caller, seen, subject_type=SubjectType.TICKET, subjects=[ticket.id])
    content_type = "image/jpeg" if thumbnail else attachment.content_type or "application/pdf"
    return StoredFile(
        data=data,
        content_type=content_type,
        filename=f"ticket-{ticket.reference}-{attachment.id}"
        f"{'-thumbnail' if thumbnail else ''}.{EXTENSIONS.get(content_type, 'bin')}",
        inline=content_type.startswith("image/"),
    )
