"""A text that failed is handed to the broker again when its backoff ends: the sweep should
not also wait for the hand-over grace since its first hand-over (OUTBOX_HANDOVER_SECONDS,
five minutes by default), which is there for texts still waiting in the broker's queue."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session

from dfc.settings import get_settings
from notifications import sending
from notifications.dispatch import PENDING_KEY
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.outbox import Recipient, enqueue

pytestmark = pytest.mark.faults

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_a_retry_is_handed_to_the_broker_when_its_backoff_ends(session: Session, twilio):
    message = enqueue(
        session,
        key="retry",
        template="support-ending",
        now=NOON,
        recipient=Recipient(Channel.SMS, "+447700900123", "en"),
        context={
            "date": date(2026, 12, 31),
            "device": "Laptop DFC-0042",
            "contact": "Camden School",
        },
    )
    session.info.pop(PENDING_KEY, None)  # handed over by hand below, not through a broker
    session.commit()
    twilio.rate_limit_next(retry_after=None)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.PENDING
    session.expire_all()
    retry_at = session.get(OutboxMessage, message.id).next_attempt_at
    assert retry_at < NOON + timedelta(seconds=get_settings().OUTBOX_HANDOVER_SECONDS)

    taken = sending.take_due(session, retry_at + timedelta(seconds=1))
    session.rollback()
    assert [message_id for message_id, _ in taken] == [message.id]
