"""Putting a message in the outbox: in the caller's transaction, once per idempotency key,
rendered in the recipient's language, held until morning if it would arrive at night."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dfc.db_types import utcnow
from dfc.settings import get_settings
from notifications import whatsapp
from notifications.consent import is_opted_out
from notifications.dispatch import send_after_commit
from notifications.models import Audience, Channel, MessageStatus, OutboxMessage
from notifications.quiet_hours import next_allowed
from notifications.segments import count_segments
from notifications.templates import TEMPLATES, render

TEXT_CHANNELS = (Channel.SMS, Channel.WHATSAPP)


@dataclass(frozen=True)
class Recipient:
    channel: Channel
    address: str  # E.164 for SMS and WhatsApp, an email address for email
    language: str = "en"
    organisation_id: int | None = None


def compose(
    recipient: Recipient,
    *,
    key: str,
    template: str,
    context: dict[str, Any],
    now: datetime,
    opted_out: bool,
    prefers_whatsapp: bool = False,
    rendered: tuple[str | None, str] | None = None,
) -> dict[str, Any]:
    """The outbox row's values for one message: rendered in the recipient's language,
    cancelled if the number opted out (consent messages excepted), held until morning if a
    family text would arrive at night, sent by WhatsApp if the family chose it (with its
    values by position, for an approved template). The one rule `enqueue` and
    `enqueue_many` share."""
    settings = get_settings()
    # `rendered`: what `render` already gave for this template, language and context (a
    # family text is rendered to choose its template; not twice).
    subject, body = rendered or render(template, language=recipient.language, context=context)
    segments, encoding = count_segments(body)
    audience = TEMPLATES[template].audience
    channel = recipient.channel
    if prefers_whatsapp and might_go_by_whatsapp(recipient, template):
        channel = Channel.WHATSAPP
    row: dict[str, Any] = {
        "idempotency_key": key,
        "organisation_id": recipient.organisation_id,
        "audience": audience,
        "channel": channel,
        "recipient": recipient.address,
        "locale": recipient.language,
        "template": template,
        "subject": subject,
        "body": body,
        "variables": (
            whatsapp.variables_for(template, recipient.language, context)
            if channel is Channel.WHATSAPP
            else None
        ),
        "segments": segments,
        "encoding": encoding,
        "status": MessageStatus.PENDING,
        "error": None,
        "next_attempt_at": now,
        "created_at": now,
        "handed_over_at": None,
    }
    if opted_out and may_cancel(recipient, template):
        row["status"], row["error"] = MessageStatus.CANCELLED, "The recipient opted out"
    elif (
        recipient.channel in TEXT_CHANNELS
        and audience is Audience.FAMILY
        and not TEMPLATES[template].requested
    ):
        allowed = next_allowed(
            now,
            zone=settings.zone,
            start_hour=settings.QUIET_HOURS_START,
            end_hour=settings.QUIET_HOURS_END,
        )
        if allowed > now:
            row["status"], row["next_attempt_at"] = MessageStatus.HELD, allowed
    if row["status"] is MessageStatus.PENDING:
        row["handed_over_at"] = now  # once this transaction commits (dispatch)
    return row


def might_go_by_whatsapp(recipient: Recipient, template: str) -> bool:
    """A family text by SMS, not about consent (answered on the channel it came by), goes
    by WhatsApp if the family chose it."""
    return (
        recipient.channel is Channel.SMS
        and TEMPLATES[template].audience is Audience.FAMILY
        and not TEMPLATES[template].about_consent
    )


def may_cancel(recipient: Recipient, template: str) -> bool:
    """An opt-out stops this message: a text, and not one about consent itself."""
    return recipient.channel in TEXT_CHANNELS and not TEMPLATES[template].about_consent


def enqueue(
    session: Session,
    *,
    key: str,
    recipient: Recipient,
    template: str,
    context: dict[str, Any],
    now: datetime | None = None,
) -> OutboxMessage:
    """The message for `key`, made now or found from before: a key never makes a second
    message. The row is flushed, not committed: it lands with the change that caused it.
    Many at once: notifications.outbox_bulk.enqueue_many."""
    existing = session.exec(
        select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
    ).first()
    if existing is not None:
        return existing
    opted_out = may_cancel(recipient, template) and is_opted_out(session, recipient.address)
    prefers_whatsapp = might_go_by_whatsapp(recipient, template) and bool(
        whatsapp.whatsapp_numbers_among(session, [recipient.address])
    )
    message = OutboxMessage(
        **compose(
            recipient,
            key=key,
            template=template,
            context=context,
            now=now or utcnow(),
            opted_out=opted_out,
            prefers_whatsapp=prefers_whatsapp,
        )
    )
    nested = session.begin_nested()
    session.add(message)
    try:
        nested.commit()
    except IntegrityError:  # the same key, enqueued by another transaction just now
        nested.rollback()
        return session.exec(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()
    if message.status is MessageStatus.PENDING:
        send_after_commit(session, message)
    return message
