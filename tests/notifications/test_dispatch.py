"""A message goes to the worker only once the transaction that made it has committed, the
whole of it: a savepoint passes its messages up, a rollback at any level forgets them, and
on SQLite a savepoint can no longer commit a message on its own."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from notifications import tasks
from notifications.models import Channel, OutboxMessage
from notifications.outbox import Recipient, enqueue

NOON = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def handed_over(monkeypatch) -> list[int]:
    """The ids given to the broker, in order, instead of a real broker."""
    given: list[int] = []
    monkeypatch.setattr(tasks, "send_later", lambda message_id, channel: given.append(message_id))
    return given


def make(session: Session, key: str) -> OutboxMessage:
    return enqueue(
        session,
        key=key,
        template="unsupported",
        now=NOON,
        recipient=Recipient(Channel.SMS, "+447911123456", "en"),
        context={"device": "Laptop DFC-0042", "contact": "Camden School"},
    )


def stored(engine: Engine) -> int:
    with Session(engine) as other:
        return other.exec(select(func.count()).select_from(OutboxMessage)).one()


def test_nothing_is_handed_over_before_the_outer_commit(engine, handed_over):
    with Session(engine) as session:
        made = [make(session, "a").id, make(session, "b").id]
        assert handed_over == []  # the savepoints inside enqueue have committed, not the work
        session.commit()
        assert handed_over == made


def test_a_rolled_back_transaction_hands_over_nothing_and_keeps_nothing(engine, handed_over):
    with Session(engine) as session:
        make(session, "a")  # the first write of the transaction: on SQLite, its own savepoint
        session.rollback()
    assert handed_over == [] and stored(engine) == 0


def test_a_savepoint_passes_its_messages_up_and_a_rolled_back_one_forgets_them(engine, handed_over):
    with Session(engine) as session:
        kept = session.begin_nested()
        first_id = make(session, "kept").id
        kept.commit()
        dropped = session.begin_nested()
        make(session, "dropped")
        dropped.rollback()
        assert handed_over == []
        session.commit()
    assert handed_over == [first_id] and stored(engine) == 1


def test_a_message_found_from_before_is_not_handed_over_again(engine, handed_over):
    with Session(engine) as session:
        make(session, "once")
        session.commit()
        make(session, "once")
        session.commit()
    assert len(handed_over) == 1


def test_closing_a_session_without_commit_hands_over_nothing(engine, handed_over):
    with Session(engine) as session:
        make(session, "closed")
    with Session(engine) as session:
        session.commit()
    assert handed_over == [] and stored(engine) == 0
