"""The lean send path: a text costs two statements (claim-and-load, result) with no ping,
its HTTP connection to Twilio is kept alive for the next, a connection the database dropped
is replaced without losing the text, and a texts worker has several texts in flight."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import select

from dfc.settings import get_settings
from notifications import send_store, sending
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.outbox import Recipient, enqueue
from tests.notifications.test_sending import NOON, queue, reload


def statements_during(action) -> list[str]:
    """The SQL every engine ran while `action` ran."""
    seen: list[str] = []

    def record(_connection, _cursor, statement, *_args) -> None:
        seen.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    return seen


def test_a_text_is_claimed_loaded_and_recorded_in_two_statements(session, twilio):
    message = queue(session)
    send_store.send_engine()  # made before counting: the first use on PostgreSQL connects
    pings = []
    dialect = type(send_store.send_engine().dialect)
    original = dialect.do_ping
    dialect.do_ping = lambda self, connection: pings.append(1) or original(self, connection)
    try:
        seen = statements_during(lambda: sending.send_one(message.id, now=NOON))
    finally:
        dialect.do_ping = original
    assert [statement.split()[0] for statement in seen] == ["UPDATE", "UPDATE"], seen
    assert "RETURNING" in seen[0]
    assert pings == [], "no pre-ping on the send path"
    stored = reload(session, message)
    assert stored.status is MessageStatus.SENT and stored.attempts == 1
    assert stored.provider_id == twilio.accepted[0]["sid"]
    assert stored.unconfirmed_attempt_at is None and stored.handed_over_at is None


def test_texts_reuse_one_kept_alive_connection_to_twilio(session, twilio):
    messages = [queue(session, key=f"k{i}") for i in range(5)]
    for message in messages:
        assert sending.send_one(message.id, now=NOON) is MessageStatus.SENT
    assert len(twilio.accepted) == 5
    assert twilio.connections == 1


def test_a_database_connection_dropped_between_texts_is_replaced_once(session, twilio):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no server to drop the connection")
    first, second = queue(session, key="first"), queue(session, key="second")
    send_store.send_engine().dispose()  # earlier tests' threads may have left several
    assert sending.send_one(first.id, now=NOON) is MessageStatus.SENT
    with send_store.send_engine().connect() as connection:  # the one the first text used
        backend = connection.execute(text("SELECT pg_backend_pid()")).scalar_one()
    session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
    session.commit()
    assert sending.send_one(second.id, now=NOON) is MessageStatus.SENT
    assert reload(session, second).attempts == 1
    assert len(twilio.accepted) == 2


@pytest.mark.worker
def test_a_texts_worker_has_several_texts_in_flight_each_sent_once(session, twilio, monkeypatch):
    monkeypatch.setenv("QUIET_HOURS_START", "0")
    monkeypatch.setenv("QUIET_HOURS_END", "0")
    monkeypatch.setenv("SMS_PER_SECOND", "1000")
    get_settings.cache_clear()
    twilio.latency = 1.0  # Twilio slow to answer: one at a time would take 8 s
    command = [sys.executable, "-m", "dfc", "worker", "--queues", "texts", "--concurrency", "4"]
    worker = subprocess.Popen(
        [*command, "--loglevel", "WARNING"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        now = datetime.now(UTC)
        for i in range(8):
            enqueue(
                session,
                key=f"in-flight-{i}",
                template="data-used-up",
                now=now,
                recipient=Recipient(Channel.SMS, f"+44791112345{i}", "en"),
                context={"date": now.date(), "contact": "Camden School"},
            )
        session.commit()  # hands the eight texts to the worker through the broker
        most_in_flight, deadline = 0, time.monotonic() + 90
        while len(twilio.accepted) < 8 or twilio.in_flight:
            assert time.monotonic() < deadline, f"sent {len(twilio.accepted)} of 8"
            assert worker.poll() is None, f"the worker stopped: {worker.stdout.read()}"
            most_in_flight = max(most_in_flight, twilio.in_flight)
            time.sleep(0.05)
        assert most_in_flight >= 2, "texts went one at a time"
        assert most_in_flight <= 4, "more in flight than --concurrency"
        numbers = [message["to"] for message in twilio.accepted]
        assert len(numbers) == len(set(numbers)) == 8, "a text was sent twice"
        deadline = time.monotonic() + 30
        while True:
            session.expire_all()
            statuses = session.exec(select(OutboxMessage.status)).all()
            if statuses == [MessageStatus.SENT] * 8 or time.monotonic() > deadline:
                break
            time.sleep(0.25)
        assert statuses == [MessageStatus.SENT] * 8
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        get_settings.cache_clear()


def test_the_claim_waits_for_the_disk_and_the_result_does_not(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite commits both in one ordinary transaction")
    show = text("SHOW synchronous_commit")
    with send_store.send_engine().connect() as claims:
        assert claims.execute(show).scalar_one() == "on"
    with send_store.send_engine(durable=False).connect() as results:
        assert results.execute(show).scalar_one() == "off"
