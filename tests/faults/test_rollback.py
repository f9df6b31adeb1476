"""A text made in a transaction that then rolls back is never sent; one made in a savepoint
that rolls back is not sent though the transaction around it commits; one made in a savepoint
that commits is sent with its transaction, and not without it. A real worker, with beat's
sweep running in it, has every chance to send what it should not.

These run in both of CI's passes (SQLite with the embedded broker, PostgreSQL with Redis),
through the broker the suite is configured with: the texts are made in this process."""

import os
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dfc.settings import get_settings
from notifications.models import Channel, OutboxMessage
from notifications.outbox import Recipient, enqueue
from tests.fakes.twilio_server import FakeTwilio
from tests.faults.processes import AUTH_TOKEN, environment
from tests.faults.texts import Pair, wait_for_each_text_once

pytestmark = [pytest.mark.worker, pytest.mark.faults]

WITHIN = 60  # seconds for the texts that should go
SWEEPS = 4  # seconds more (sweeps, a second apart) for one that should not


def family_text(session: Session, name: str) -> Pair:
    message = enqueue(
        session,
        key=f"rollback:{name}",
        recipient=Recipient(Channel.SMS, "+447700900123", "en"),
        template="support-ending",
        context={
            "date": date(2026, 12, 31),
            "device": "Laptop DFC-0042",
            "contact": f"the {name} school",
        },
    )
    return message.recipient, message.body


@pytest.fixture
def fake():
    with FakeTwilio(auth_token=AUTH_TOKEN) as server:
        yield server


@pytest.fixture(autouse=True)
def no_quiet_hours(monkeypatch: pytest.MonkeyPatch):
    """Texts go at once, whatever the time of day the test runs at."""
    monkeypatch.setenv("QUIET_HOURS_START", "0")
    monkeypatch.setenv("QUIET_HOURS_END", "0")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def worker(engine, fake, processes):
    """One worker on the texts and housekeeping queues, with beat in it, on the broker and
    database this process uses (the embedded broker lives in the run's VAR_DIR)."""
    settings = get_settings()
    env = environment(
        database_url=settings.database_url,
        broker_url=settings.CELERY_BROKER_URL,
        twilio_url=fake.url,
        var_dir=Path(os.environ["VAR_DIR"]),
    )
    return processes.worker(env, queues="texts,housekeeping", concurrency=1, beat=True)


def test_only_the_texts_of_what_committed_are_sent(session: Session, fake, worker, processes):
    never = [family_text(session, "rolled back")]  # the first write of its transaction
    session.rollback()

    sent = [family_text(session, "committed")]
    savepoint = session.begin_nested()
    never.append(family_text(session, "savepoint rolled back"))
    savepoint.rollback()
    with session.begin_nested():
        sent.append(family_text(session, "savepoint committed"))
    session.commit()

    with session.begin_nested():
        never.append(family_text(session, "savepoint committed, transaction rolled back"))
    session.rollback()

    tally = wait_for_each_text_once(
        session,
        lambda: fake.accepted,
        seconds=WITHIN,
        expected=set(sent),
        settle=SWEEPS,
        report=processes.report,
    )
    assert not set(never) & set(tally.received)
    kept = session.exec(select(OutboxMessage.body)).all()
    assert sorted(kept) == sorted(body for _, body in sent)


def test_a_text_whose_transaction_fails_at_commit_is_never_sent(
    session: Session, fake, worker, processes
):
    sent = family_text(session, "committed")
    session.commit()
    never = family_text(session, "made before the commit failed")
    first = session.exec(select(OutboxMessage).where(OutboxMessage.body == sent[1])).one()
    session.add(OutboxMessage(**first.model_dump(exclude={"id"})))  # the same key again
    with pytest.raises(IntegrityError):
        session.commit()
    session.rollback()

    tally = wait_for_each_text_once(
        session,
        lambda: fake.accepted,
        seconds=WITHIN,
        expected={sent},
        settle=SWEEPS,
        report=processes.report,
    )
    assert never not in tally.received
