"""Many messages at once (the daily scan's): the same rows `enqueue` makes, once per key,
cancelled for a number that texted STOP, held at night, and handed to the broker only once
the transaction commits."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from notifications import tasks
from notifications.models import Channel, MessageStatus, OutboxMessage, SmsOptOut
from notifications.outbox import Recipient, enqueue
from notifications.outbox_bulk import Outgoing, enqueue_many

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
NIGHT = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
CONTEXT = {"date": date(2026, 12, 1), "device": "Laptop DFC-0042", "contact": "Camden School"}


def text(key: str, number: str = "+447911123456", language: str = "pl") -> Outgoing:
    return Outgoing(key, Recipient(Channel.SMS, number, language, None), "support-ending", CONTEXT)


def rows(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


@pytest.fixture
def handed_over(monkeypatch) -> list[int]:
    given: list[int] = []
    monkeypatch.setattr(tasks, "send_later", lambda message_id, channel: given.append(message_id))
    return given


def test_each_row_is_the_one_enqueue_makes(session):
    single = enqueue(
        session,
        key="one",
        recipient=text("x").recipient,
        template="support-ending",
        context=CONTEXT,
        now=NOON,
    )
    enqueue_many(session, [text("many")], now=NOON)
    session.commit()
    one, many = rows(session)
    columns = (
        "recipient",
        "locale",
        "template",
        "subject",
        "body",
        "segments",
        "encoding",
        "status",
        "next_attempt_at",
        "handed_over_at",
        "audience",
        "channel",
    )
    assert [getattr(one, c) for c in columns] == [getattr(many, c) for c in columns]
    assert single.id == one.id and "grudnia" in many.body


def test_a_repeated_key_makes_no_second_row(session):
    assert (
        enqueue_many(session, [text("a"), text("b"), text("a", number="+447911000000")], now=NOON)
        == 2
    )
    assert enqueue_many(session, [text("b"), text("c")], now=NOON) == 1
    session.commit()
    assert [(m.idempotency_key, m.recipient) for m in rows(session)] == [
        ("a", "+447911123456"),
        ("b", "+447911123456"),
        ("c", "+447911123456"),
    ]


def test_a_number_that_opted_out_gets_a_cancelled_row_and_others_are_sent(session):
    session.add(SmsOptOut(phone_number="+447911000001", how="STOP"))
    session.commit()
    enqueue_many(session, [text("a", "+447911000001"), text("b", "+447911000002")], now=NOON)
    session.commit()
    stopped, sent = rows(session)
    assert (stopped.status, stopped.error) == (MessageStatus.CANCELLED, "The recipient opted out")
    assert stopped.handed_over_at is None
    assert sent.status is MessageStatus.PENDING


def test_a_family_text_made_at_night_waits_for_the_morning(session):
    enqueue_many(session, [text("a")], now=NIGHT)
    session.commit()
    [held] = rows(session)
    assert held.status is MessageStatus.HELD
    assert held.next_attempt_at == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)


def test_messages_go_to_the_broker_after_the_commit_and_not_before(engine: Engine, handed_over):
    with Session(engine) as session:
        session.add(SmsOptOut(phone_number="+447911000001", how="STOP"))
        session.commit()
        enqueue_many(session, [text("a"), text("b", "+447911000001"), text("c")], now=NOON)
        assert handed_over == []
        session.commit()
        pending = [m.id for m in rows(session) if m.status is MessageStatus.PENDING]
        assert sorted(handed_over) == sorted(pending) and len(pending) == 2


def test_a_rolled_back_transaction_hands_over_nothing_and_keeps_nothing(engine, handed_over):
    with Session(engine) as session:
        enqueue_many(session, [text("a"), text("b")], now=NOON)
        session.rollback()
        assert handed_over == []
        assert session.exec(select(func.count()).select_from(OutboxMessage)).one() == 0


def test_more_than_a_batch_is_written_whole(session, monkeypatch):
    from notifications import outbox_bulk

    monkeypatch.setattr(outbox_bulk, "BATCH", 3)
    made = enqueue_many(session, [text(f"k{i}", f"+4479110000{i:02d}") for i in range(8)], now=NOON)
    session.commit()
    assert made == 8 and len(rows(session)) == 8


def test_a_rolled_back_savepoint_takes_its_rows_and_the_next_batch_still_lands(
    engine: Engine, handed_over
):
    with Session(engine) as session:
        undone = session.begin_nested()
        enqueue_many(session, [text("undone")], now=NOON)
        undone.rollback()
        enqueue_many(session, [text("kept")], now=NOON)
        session.commit()
        [kept] = rows(session)
        assert kept.idempotency_key == "kept" and handed_over == [kept.id]


def test_a_key_written_by_another_transaction_after_the_look_up_still_makes_one_row(
    session, monkeypatch
):
    """PostgreSQL copies new keys straight in; a key that slipped past its look-up makes the
    batch take the path that skips it."""
    from sqlalchemy import String, any_, bindparam, false
    from sqlalchemy.dialects.postgresql import ARRAY

    from notifications import outbox_bulk

    enqueue_many(session, [text("a")], now=NOON)
    session.commit()
    looks_away = select(OutboxMessage.idempotency_key).where(
        OutboxMessage.idempotency_key == any_(bindparam("keys", type_=ARRAY(String))), false()
    )
    monkeypatch.setattr(outbox_bulk, "EXISTING_KEYS", looks_away)
    assert enqueue_many(session, [text("a", "+447911000009"), text("b")], now=NOON) == 1
    session.commit()
    assert [(m.idempotency_key, m.recipient) for m in rows(session)] == [
        ("a", "+447911123456"),
        ("b", "+447911123456"),
    ]
