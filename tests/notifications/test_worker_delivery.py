"""End to end through the broker: a message committed with its cause is handed to a real
Celery worker, which sends it through the Twilio SDK to the local Twilio-compatible server."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from dfc.settings import get_settings
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.outbox import Recipient, enqueue


def wait_for(
    session: Session,
    message_id: int,
    status: MessageStatus,
    worker: subprocess.Popen,
    seconds: float = 60,
) -> OutboxMessage:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        session.expire_all()
        message = session.get(OutboxMessage, message_id)
        if message.status is status:
            return message
        assert worker.poll() is None, f"the worker stopped: {worker.stdout.read()}"
        time.sleep(0.25)
    raise AssertionError(f"message {message_id} is {message.status}, not {status}")


@pytest.mark.worker
def test_a_committed_message_is_sent_by_the_worker_through_twilio(session, twilio, monkeypatch):
    # No quiet hours for this test, whatever the time of day it runs at.
    monkeypatch.setenv("QUIET_HOURS_START", "0")
    monkeypatch.setenv("QUIET_HOURS_END", "0")
    get_settings.cache_clear()
    worker = subprocess.Popen(
        [sys.executable, "-m", "dfc", "worker", "--concurrency", "1", "--loglevel", "WARNING"],
        env=os.environ.copy(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        now = datetime.now(UTC)
        message = enqueue(
            session,
            key="e2e",
            template="data-used-up",
            now=now,
            recipient=Recipient(Channel.SMS, "+447911123456", "pl"),
            context={"date": now.date(), "contact": "Camden School"},
        )
        assert message.status is MessageStatus.PENDING
        session.commit()  # the commit hands the message to the worker through the broker
        sent = wait_for(session, message.id, MessageStatus.SENT, worker)
        assert sent.provider_id.startswith("SM")
        assert [request.form["To"] for request in twilio.requests] == ["+447911123456"]
        assert twilio.requests[0].form["Body"] == sent.body
        assert twilio.url == get_settings().TWILIO_API_BASE_URL
    finally:
        worker.terminate()
        worker.wait(timeout=20)
        get_settings.cache_clear()
