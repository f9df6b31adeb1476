"""Sending one message: claim it, hand it to its channel, record what happened. Temporary
failures retry with exponential backoff and jitter; permanent ones do not. An attempt whose
outcome the provider never told us (a timeout, a dropped connection, a worker killed
mid-send) is marked, and before the message is sent again the provider is asked whether it
took it after all, so a family never gets the same text twice."""

import logging
import random
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from dfc.db import session_scope
from dfc.settings import get_settings
from notifications import whatsapp
from notifications.channels.base import (
    Delivery,
    PermanentFailure,
    Sender,
    Sent,
    TemporaryFailure,
)
from notifications.channels.select import sender_for
from notifications.consent import opt_out
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.rate import shared_limiter
from notifications.send_store import claim_and_load, claim_statement, due, record_sent

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
WAITING = (MessageStatus.PENDING, MessageStatus.HELD)


def lease() -> timedelta:
    """How long a claimed message is left to its worker before it is due again."""
    return timedelta(seconds=get_settings().OUTBOX_LEASE_SECONDS)


def backoff(attempts: int, *, retry_after: float | None = None) -> timedelta:
    """30 s, 1 min, 2 min ... at most an hour, give or take a fifth so retries spread out."""
    delay = min(FIRST_RETRY * 2 ** max(0, attempts - 1), LONGEST_RETRY)
    delay *= random.uniform(0.8, 1.2)  # noqa: S311 (jitter, not security)
    return max(delay, timedelta(seconds=retry_after or 0))


def claim(session: Session, message_id: int, now: datetime) -> bool:
    """Claims the message in the caller's transaction, if it is due (send_one claims and
    loads it in one statement instead)."""
    return session.execute(claim_statement(message_id, now, now + lease())).rowcount == 1


def status_callback_url() -> str:
    return f"{get_settings().BASE_URL.rstrip('/')}/api/twilio/status"


def send_one(message_id: int, *, now: datetime | None = None) -> MessageStatus | None:
    """Sends the message if it is due; returns its new status, or None if not ours to send.
    Two statements when all goes well: the claim, which reads the message too, and the
    result, each shared with the process's other texts of the moment (send_store); no
    transaction is open while we wait on the provider or the rate limit."""
    claimed, now = claim_and_load(message_id, lease(), now)
    if claimed is None:
        return None
    delivery = Delivery(
        channel=claimed.channel,
        recipient=claimed.recipient,
        body=claimed.body,
        subject=claimed.subject,
        status_callback_url=status_callback_url(),
    )
    if claimed.channel is Channel.WHATSAPP:
        delivery = _within_whatsapps_rules(claimed, delivery, now)
    earlier_attempt = claimed.unconfirmed_attempt_at
    if earlier_attempt is not None and earlier_attempt >= now:
        earlier_attempt = None  # the mark is this attempt's own
    known_ids: set[str] = set()
    if earlier_attempt is not None:
        with session_scope() as session:
            known_ids = _provider_ids_for(session, claimed.recipient)
    settings = get_settings()
    sender = sender_for(delivery.channel, settings)
    try:
        sent = _already_sent(sender, delivery, earlier_attempt, known_ids)
        if sent is None:
            _wait_turn(delivery.channel, settings)
            sent = sender.send(delivery)
    except TemporaryFailure as failure:
        return _record_failure(message_id, failure, now, retry=True)
    except PermanentFailure as failure:
        return _record_failure(message_id, failure, now, retry=False)
    record_sent(message_id, sent.provider_id, delivered_locally=sent.delivered_locally)
    return MessageStatus.SENT


def _within_whatsapps_rules(claimed, delivery: Delivery, now: datetime) -> Delivery:
    """Free text inside the family's 24-hour window, the approved template outside it, or
    SMS where there is none in their language (recorded on the message)."""
    with session_scope() as session:
        chosen = whatsapp.plan(
            session,
            phone_number=claimed.recipient,
            template=claimed.template,
            locale=claimed.locale,
            variables=claimed.variables,
            now=now,
        )
        if chosen.channel is Channel.SMS:
            log.info("message %s: %s", claimed.id, chosen.note)
            session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == claimed.id)
                .values(channel=Channel.SMS)
            )
    return replace(
        delivery, channel=chosen.channel, content_sid=chosen.content_sid, variables=chosen.variables
    )


def _wait_turn(channel: Channel, settings) -> None:
    """Waits for a slot under the channel's rate, shared by every worker (notifications.rate)."""
    if channel is Channel.EMAIL:
        shared_limiter(settings).wait_turn("email", settings.EMAILS_PER_SECOND)
    else:
        shared_limiter(settings).wait_turn("text", settings.SMS_PER_SECOND)


def _provider_ids_for(session: Session, recipient: str) -> set[str]:
    """Provider ids already recorded for this recipient: an earlier attempt found at the
    provider must be none of these."""
    statement = select(OutboxMessage.provider_id).where(
        OutboxMessage.recipient == recipient, OutboxMessage.provider_id.is_not(None)
    )
    return set(session.exec(statement))


def _already_sent(
    sender: Sender, delivery: Delivery, earlier_attempt: datetime | None, known_ids: set[str]
) -> Sent | None:
    """The earlier attempt, if the provider says it took the message after all."""
    find_accepted = getattr(sender, "find_accepted", None)
    if earlier_attempt is None or find_accepted is None:
        return None
    provider_id = find_accepted(delivery, since=earlier_attempt, exclude=known_ids)
    if provider_id is None:
        return None
    log.info("an earlier attempt to send to %s got through as %s", delivery.channel, provider_id)
    return Sent(provider_id=provider_id)


def _record_failure(
    message_id: int, failure: TemporaryFailure | PermanentFailure, now: datetime, *, retry: bool
) -> MessageStatus:
    with session_scope() as session:
        message = session.get(OutboxMessage, message_id)
        message.error = f"{failure.code or ''} {failure.message}".strip()[:500]
        if not getattr(failure, "outcome_unknown", False):
            message.unconfirmed_attempt_at = None  # the provider said no: nothing to find
        if retry and message.attempts < MAX_ATTEMPTS:
            message.status = MessageStatus.PENDING
            message.next_attempt_at = now + backoff(
                message.attempts, retry_after=getattr(failure, "retry_after", None)
            )
        else:
            message.status = MessageStatus.FAILED
        if isinstance(failure, PermanentFailure) and failure.opted_out:
            opt_out(session, message.recipient)
        session.add(message)
        log.info("message %s %s: %s", message_id, message.status.value, message.error)
        return message.status


def take_due(
    session: Session, now: datetime, *, in_broker: int = 0, limit: int = 1000
) -> list[tuple[int, Channel]]:
    """(id, channel) of due messages not waiting in the broker, marked as handed over now;
    the caller commits, then queues them. A message handed over and not yet taken by a
    worker counts as lost only when the broker's texts queue is empty (`in_broker` is how
    many tasks wait there) and OUTBOX_HANDOVER_SECONDS have passed: a backlog is never
    queued twice, however slowly it drains."""
    recently = now - timedelta(seconds=get_settings().OUTBOX_HANDOVER_SECONDS)
    not_in_broker = OutboxMessage.handed_over_at.is_(None)
    if not in_broker:
        not_in_broker = not_in_broker | (OutboxMessage.handed_over_at <= recently)
    statement = (
        select(OutboxMessage.id, OutboxMessage.channel)
        .where(due(now), not_in_broker)
        .order_by(OutboxMessage.next_attempt_at)
        .limit(limit)
    )
    taken = list(session.exec(statement))
    if taken:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([message_id for message_id, _ in taken]))
            .values(handed_over_at=now)
        )
    return [(message_id, channel) for message_id, channel in taken]


def forget_hand_over(session: Session, message_ids: list[int]) -> None:
    """These never reached the broker: the next sweep may take them at once."""
    session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(message_ids)).values(handed_over_at=None)
    )
