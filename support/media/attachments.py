"""From a text's MediaUrlN to a stored, checked file on the ticket. The webhook only records
each file as waiting, in the same transaction as the message, and answers Twilio at once;
a worker fetches it (`fetch_one`), and the sweep (`take_due`) hands back any that a lost
task or a failed fetch left waiting, so no file is lost and none is added twice."""

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dfc.db import session_scope
from dfc.db_types import utcnow
from dfc.file_store import StoreError, media_store, new_key
from dfc.media_checks import Refusal, check, describe_size, kind_of, thumbnail
from dfc.settings import get_settings
from notifications.models import Channel
from notifications.outbox import Recipient, enqueue
from support.media.fetching import Fetched, FetchFailed, fetch
from support.media.models import AttachmentStatus, TicketAttachment
from support.models import Author, Ticket, TicketMessage
from support.references import display
from support.tickets import TEXT_VIA

log = logging.getLogger(__name__)
MOST_MEDIA = 10  # Twilio sends at most ten files with one message
LEASE = timedelta(minutes=10)  # a fetch that takes longer has lost its worker
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}


@dataclass(frozen=True)
class IncomingMedia:
    url: str
    content_type: str


def media_in(form: Mapping[str, str]) -> list[IncomingMedia]:
    """The files Twilio lists on an inbound message (NumMedia, MediaUrlN, MediaContentTypeN)."""
    try:
        count = min(int(form.get("NumMedia") or 0), MOST_MEDIA)
    except ValueError:
        count = 0
    found = (
        IncomingMedia(form.get(f"MediaUrl{n}", "").strip(), form.get(f"MediaContentType{n}", ""))
        for n in range(count)
    )
    return [media for media in found if media.url]


def placeholder(media: Sequence[IncomingMedia]) -> str:
    """The thread's text for a message that was only files, for staff: "(photo)",
    "(2 photos, PDF)"."""
    kinds = Counter(kind_of(item.content_type) for item in media)
    parts = [kind if n == 1 else f"{n} {kind}s" for kind, n in kinds.items()]
    return f"({', '.join(parts)})"


def record(
    session: Session,
    *,
    ticket: Ticket,
    provider_sid: str | None,
    media: Sequence[IncomingMedia],
    now: datetime | None = None,
) -> list[int]:
    """Each file of the message as waiting to be fetched; a replay adds none. Returns the
    ids to fetch now."""
    if not media:
        return []
    now = now or utcnow()
    message = _message_for(session, ticket, provider_sid)
    if message is None:
        return []
    known = set(
        session.exec(
            select(TicketAttachment.position).where(TicketAttachment.message_id == message.id)
        )
    )
    added = []
    for position, item in enumerate(media):
        if position in known:
            continue
        attachment = TicketAttachment(
            message_id=message.id,
            ticket_id=ticket.id,
            position=position,
            media_url=item.url[:500],
            declared_type=item.content_type[:100],
            storage_key=new_key(),
            next_attempt_at=now,
            created_at=now,
        )
        nested = session.begin_nested()
        session.add(attachment)
        try:
            nested.commit()
        except IntegrityError:  # the same delivery, at the same moment: it has the file
            nested.rollback()
            continue
        added.append(attachment.id)
    return added


def _message_for(session: Session, ticket: Ticket, sid: str | None) -> TicketMessage | None:
    statement = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
    if sid:
        statement = select(TicketMessage).where(TicketMessage.provider_sid == sid)
    statement = statement.where(TicketMessage.author == Author.FAMILY)
    return session.exec(statement.order_by(TicketMessage.id.desc())).first()


def hand_over(ids: Sequence[int]) -> None:
    """Queues the fetches, after the transaction that recorded them committed. A broker that
    is down loses nothing: the sweep finds them waiting."""
    from support.tasks import fetch_media  # the task module imports this one

    for attachment_id in ids:
        try:
            fetch_media.delay(attachment_id)
        except Exception:
            log.warning("could not queue a file's fetch now; the sweep will fetch it")
            return


def take_due(session: Session, now: datetime, *, limit: int = 100) -> list[int]:
    """Files still waiting whose time has come, marked as handed over so the next sweep
    does not queue them again while they wait in the broker."""
    ids = list(
        session.exec(
            select(TicketAttachment.id)
            .where(
                TicketAttachment.status == AttachmentStatus.WAITING,
                TicketAttachment.next_attempt_at <= now,
            )
            .order_by(TicketAttachment.next_attempt_at)
            .limit(limit)
        )
    )
    if ids:
        session.execute(
            update(TicketAttachment)
            .where(TicketAttachment.id.in_(ids))
            .values(next_attempt_at=now + LEASE)
        )
    return ids


def _claim(session: Session, attachment_id: int, now: datetime) -> TicketAttachment | None:
    """The file, if it still waits and no other worker took it first (one attempt each)."""
    attachment = session.get(TicketAttachment, attachment_id)
    if attachment is None or attachment.status is not AttachmentStatus.WAITING:
        return None
    taken = session.execute(
        update(TicketAttachment)
        .where(
            TicketAttachment.id == attachment_id,
            TicketAttachment.status == AttachmentStatus.WAITING,
            TicketAttachment.attempts == attachment.attempts,
        )
        .values(attempts=attachment.attempts + 1, next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    return attachment if taken else None


def fetch_one(attachment_id: int, *, now: datetime | None = None) -> AttachmentStatus | None:
    """Fetches, checks and stores one waiting file; returns its new status, or None if it
    was not waiting (done already, or another worker has it)."""
    now = now or utcnow()
    settings = get_settings()
    with session_scope() as session:
        attachment = _claim(session, attachment_id, now)
        if attachment is None:
            return None
        url, declared, key = attachment.media_url, attachment.declared_type, attachment.storage_key
        attempts = attachment.attempts + 1
    try:  # no transaction is open while we wait on Twilio and the store
        fetched = fetch(url or "", settings)
        result = (
            check(fetched.data, fetched.content_type or declared, most=settings.MEDIA_MAX_BYTES)
            if isinstance(fetched, Fetched)
            else fetched
        )
        if isinstance(result, str):
            small = thumbnail(fetched.data) if result in PHOTO_TYPES else None
            store = media_store()
            store.put(key, fetched.data, result)
            if small is not None:
                store.put(f"{key}-thumb", small, "image/jpeg")
    except FetchFailed as failure:
        lasting = failure.lasting or attempts >= settings.MEDIA_FETCH_ATTEMPTS
        reason = f"could not fetch it from Twilio: {failure.reason}"
        return _record_failure(attachment_id, reason, now, attempts, lasting=lasting)
    except (StoreError, OSError) as failure:
        log.warning("could not store a family's file: %s", failure)
        lasting = attempts >= settings.MEDIA_FETCH_ATTEMPTS
        reason = "could not store it (the service's log says why)"
        return _record_failure(attachment_id, reason, now, attempts, lasting=lasting)
    with session_scope() as session:
        attachment = session.get(TicketAttachment, attachment_id)
        if isinstance(result, Refusal):
            return _refuse(session, attachment, result, now)
        attachment.status, attachment.content_type = AttachmentStatus.STORED, result
        attachment.size, attachment.thumbnail = len(fetched.data), small is not None
        attachment.stored_at, attachment.reason, attachment.next_attempt_at = now, None, None
        session.add(attachment)
        return attachment.status


def _record_failure(
    attachment_id: int, reason: str, now: datetime, attempts: int, *, lasting: bool
) -> AttachmentStatus:
    with session_scope() as session:
        attachment = session.get(TicketAttachment, attachment_id)
        if lasting:
            attachment.status, attachment.storage_key = AttachmentStatus.FAILED, None
            attachment.next_attempt_at, attachment.reason = None, reason
        else:
            wait = min(FIRST_RETRY * 4 ** (attempts - 1), LONGEST_WAIT)
            attachment.next_attempt_at = now + wait
            attachment.reason = f"{reason}; trying again"
        session.add(attachment)
        return attachment.status


def _refuse(
    session: Session, attachment: TicketAttachment, refusal: Refusal, now: datetime
) -> AttachmentStatus:
    """Recorded for the agent, and the family told once per ticket, in their language,
    what we accept."""
    attachment.status, attachment.reason = AttachmentStatus.REFUSED, refusal.reason
    attachment.storage_key, attachment.next_attempt_at = None, None
    session.add(attachment)
    ticket = session.get(Ticket, attachment.ticket_id)
    message = session.get(TicketMessage, attachment.message_id)
    if ticket is not None and message is not None and ticket.phone_number:
        enqueue(
            session,
            key=f"media-refused:{ticket.reference}",
            template="media-refused",
            recipient=Recipient(
                TEXT_VIA.get(message.via, Channel.SMS),
                ticket.phone_number,
                ticket.language,
                ticket.organisation_id,
            ),
            context={
                "size": describe_size(get_settings().MEDIA_MAX_BYTES),
                "reference": display(ticket.reference),
            },
            now=now,
        )
    return attachment.status
