"""The sweep hands every due message to the broker once: held ones in the morning, retries
whose time has come, ones whose worker died mid-send, ones whose first hand-over was lost;
not ones given to the broker moments ago, and not retries that are not yet due."""

from datetime import timedelta

import pytest
from sqlmodel import Session

from dfc.db_types import utcnow
from notifications import tasks
from notifications.models import Audience, Channel, MessageStatus, OutboxMessage

AN_HOUR = timedelta(hours=1)


@pytest.fixture
def handed_over(monkeypatch) -> list[int]:
    given: list[int] = []
    monkeypatch.setattr(tasks, "send_later", lambda message_id, channel: given.append(message_id))
    monkeypatch.setattr(tasks, "texts_in_broker", lambda: 0)  # the broker's queue is empty
    return given


def message(session: Session, key: str, status: MessageStatus, **fields) -> int:
    row = OutboxMessage(
        idempotency_key=key,
        audience=Audience.FAMILY,
        channel=Channel.SMS,
        recipient="+447911123456",
        locale="en",
        template="unsupported",
        body=f"text {key}",
        status=status,
        **fields,
    )
    session.add(row)
    session.commit()
    return row.id


def test_every_kind_of_due_message_is_swept_once_and_nothing_else(session, handed_over):
    now = utcnow()  # when the test runs, not when the module was collected
    ago = now - AN_HOUR
    due = [
        message(session, "held", MessageStatus.HELD, next_attempt_at=ago),
        message(session, "retry", MessageStatus.PENDING, next_attempt_at=ago, attempts=2,
                handed_over_at=ago),
        message(session, "lease", MessageStatus.SENDING, next_attempt_at=ago, attempts=1,
                handed_over_at=ago, unconfirmed_attempt_at=ago),
        message(session, "lost", MessageStatus.PENDING, next_attempt_at=ago, handed_over_at=ago),
    ]  # fmt: skip
    message(session, "queued", MessageStatus.PENDING, next_attempt_at=now, handed_over_at=now)
    message(session, "later", MessageStatus.PENDING, next_attempt_at=now + AN_HOUR)
    message(session, "leased", MessageStatus.SENDING, next_attempt_at=now + timedelta(minutes=4))
    message(session, "sent", MessageStatus.SENT, next_attempt_at=ago)
    message(session, "failed", MessageStatus.FAILED, next_attempt_at=ago)
    assert tasks.sweep_outbox() == len(due)
    assert sorted(handed_over) == sorted(due)
    assert tasks.sweep_outbox() == 0, "a message just handed over is left to the broker"


def test_when_the_broker_fails_mid_sweep_the_rest_are_swept_next_time(
    session, handed_over, monkeypatch
):
    ago = utcnow() - AN_HOUR
    ids = [message(session, f"m{n}", MessageStatus.HELD, next_attempt_at=ago) for n in range(3)]

    def broker_down_after_one(message_id: int, channel: Channel) -> None:
        if handed_over:
            raise ConnectionError("the broker went away")
        handed_over.append(message_id)

    monkeypatch.setattr(tasks, "send_later", broker_down_after_one)
    with pytest.raises(ConnectionError):
        tasks.sweep_outbox()
    monkeypatch.setattr(
        tasks, "send_later", lambda message_id, channel: handed_over.append(message_id)
    )
    assert tasks.sweep_outbox() == 2
    assert sorted(handed_over) == ids


def test_while_texts_wait_in_the_broker_none_handed_over_is_handed_over_again(session):
    from notifications import sending

    now = utcnow()
    ago = now - AN_HOUR
    waiting = message(session, "queued-long-ago", MessageStatus.PENDING, next_attempt_at=ago,
                      handed_over_at=ago)  # fmt: skip
    held = message(session, "held", MessageStatus.HELD, next_attempt_at=ago)
    retry = message(session, "retry", MessageStatus.PENDING, next_attempt_at=ago, attempts=1)
    busy = {taken for taken, _ in sending.take_due(session, now, in_broker=40)}
    session.rollback()
    assert busy == {held, retry}, "the backlog's own texts still wait in the broker"
    idle = {taken for taken, _ in sending.take_due(session, now, in_broker=0)}
    assert idle == {held, retry, waiting}, "with the queue empty, a lost hand-over is sent"


def test_a_worker_taking_a_text_clears_its_hand_over_so_a_retry_is_swept_when_due(session):
    from notifications import sending

    now = utcnow()
    text = message(session, "taken", MessageStatus.PENDING, next_attempt_at=now,
                   handed_over_at=now)  # fmt: skip
    with session.begin():
        assert sending.claim(session, text, now)
    session.expire_all()
    assert session.get(OutboxMessage, text).handed_over_at is None
