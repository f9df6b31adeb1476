"""Sending through the real Twilio SDK to a local Twilio-compatible server: success,
retries with backoff, permanent failures, opt-outs, signed status callbacks."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from notifications import sending
from notifications.models import (
    Channel,
    ConsentChange,
    MessageStatus,
    OutboxMessage,
    SmsOptOut,
    TextConsentChange,
)
from notifications.outbox import Recipient, enqueue
from tests.notifications.conftest import AUTH_TOKEN, SERVICE_SID

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def queue(session: Session, key: str = "k") -> OutboxMessage:
    message = enqueue(
        session,
        key=key,
        template="data-used-up",
        now=NOON,
        recipient=Recipient(Channel.SMS, "+447911123456", "en"),
        context={"date": datetime(2026, 12, 1).date(), "contact": "School"},
    )
    session.commit()
    return message


def reload(session: Session, message: OutboxMessage) -> OutboxMessage:
    session.expire_all()
    return session.get(OutboxMessage, message.id)


def test_a_message_goes_out_through_twilio_and_records_its_sid(session, twilio):
    message = queue(session)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.SENT
    request = twilio.requests[-1]
    assert request.form["To"] == "+447911123456"
    assert request.form["MessagingServiceSid"] == SERVICE_SID
    assert request.form["StatusCallback"] == "https://devices.example.org/api/twilio/status"
    stored = reload(session, message)
    assert stored.provider_id.startswith("SM") and not stored.outbox_only


def test_without_twilio_a_message_stays_in_the_outbox_marked_not_sent(session):
    message = queue(session)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.SENT
    stored = reload(session, message)
    assert stored.outbox_only and stored.provider_id is None


def test_rate_limiting_and_server_errors_retry_later_with_backoff(session, twilio):
    message = queue(session)
    twilio.rate_limit_next(retry_after=120)
    assert sending.send_one(message.id, now=NOON) is MessageStatus.PENDING
    stored = reload(session, message)
    assert stored.attempts == 1
    assert stored.next_attempt_at >= NOON + timedelta(seconds=120)
    assert sending.send_one(message.id, now=NOON) is None, "not due yet"
    twilio.server_error_next()
    later = stored.next_attempt_at
    assert sending.send_one(message.id, now=later) is MessageStatus.PENDING
    assert reload(session, message).attempts == 2
    assert sending.send_one(message.id, now=reload(session, message).next_attempt_at) is (
        MessageStatus.SENT
    )


def test_an_opted_out_recipient_is_not_retried_and_is_remembered(session, twilio):
    message = queue(session)
    twilio.fail_next(status=400, code=21610, message="Attempt to send to unsubscribed recipient")
    assert sending.send_one(message.id, now=NOON) is MessageStatus.FAILED
    assert session.get(SmsOptOut, "+447911123456") is not None
    assert len(twilio.requests) == 1


def test_twilio_refusing_an_opted_out_number_again_adds_no_second_history_row(session, twilio):
    """Each refusal (error 21610) of a number already off is the same opt-out: the history
    staff read says "opted out with Twilio" once, not once per alert that was refused."""
    for key in ("first", "second"):
        message = queue(session, key=key)
        twilio.fail_next(status=400, code=21610, message="Attempt to send to unsubscribed")
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message.id)
            .values(status=MessageStatus.PENDING)
        )
        session.commit()
        assert sending.send_one(message.id, now=NOON) is MessageStatus.FAILED
    session.expire_all()
    history = session.exec(
        select(TextConsentChange).where(TextConsentChange.phone_number == "+447911123456")
    ).all()
    assert [(change.change, change.how) for change in history] == [
        (ConsentChange.OPTED_OUT, "twilio")
    ]


def test_a_message_fails_for_good_after_the_last_attempt(session, twilio):
    message = queue(session)
    now = NOON
    for _ in range(sending.MAX_ATTEMPTS):
        twilio.server_error_next()
        sending.send_one(message.id, now=now)
        now = reload(session, message).next_attempt_at
    stored = reload(session, message)
    assert (stored.status, stored.attempts) == (MessageStatus.FAILED, sending.MAX_ATTEMPTS)


def test_a_signed_delivery_callback_updates_the_message_and_a_forged_one_does_not(
    session, client, twilio
):
    message = queue(session)
    sending.send_one(message.id, now=NOON)
    sid = reload(session, message).provider_id
    url = "https://devices.example.org/api/twilio/status"
    forged = client.post(
        "/api/twilio/status",
        data={"MessageSid": sid, "MessageStatus": "delivered"},
        headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"},
    )
    assert forged.status_code == 403
    assert reload(session, message).status is MessageStatus.SENT
    params, signature = twilio.signed_status_callback(
        url, AUTH_TOKEN, {"MessageSid": sid, "MessageStatus": "delivered"}
    )
    signed = client.post(
        "/api/twilio/status", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert signed.status_code == 204
    assert reload(session, message).status is MessageStatus.DELIVERED


def test_a_signed_stop_opts_the_family_out_and_cancels_what_waits(session, client, twilio):
    message = queue(session)
    params, signature = twilio.signed_status_callback(
        "https://devices.example.org/api/twilio/inbound",
        AUTH_TOKEN,
        {"From": "+447911123456", "Body": "stop"},
    )
    response = client.post(
        "/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200
    assert reload(session, message).status is MessageStatus.CANCELLED
    assert session.get(SmsOptOut, "+447911123456") is not None
