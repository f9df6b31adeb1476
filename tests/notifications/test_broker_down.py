"""If the broker is down when a message is made, the change still commits quickly and the
message waits in the outbox for the sweep: nothing is lost."""

import os
import subprocess
import sys

from sqlmodel import Session, select

from notifications.models import MessageStatus, OutboxMessage

MAKE_MESSAGE = """
import time
from datetime import UTC, datetime
from dfc.db import session_scope
from notifications.models import Channel
from notifications.outbox import Recipient, enqueue
started = time.monotonic()
with session_scope() as session:
    enqueue(session, key="broker-down", template="unsupported",
            now=datetime.now(UTC).replace(hour=12),
            recipient=Recipient(Channel.SMS, "+447911123456", "en"),
            context={"device": "DFC-1", "contact": "X"})
print(round(time.monotonic() - started, 1))
"""


def test_a_message_made_while_the_broker_is_down_is_kept_for_the_sweep(session: Session):
    result = subprocess.run(
        [sys.executable, "-c", MAKE_MESSAGE],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ | {"CELERY_BROKER_URL": "redis://127.0.0.1:1/0"},
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.strip().splitlines()[-1]) < 15
    assert "the sweep will send them" in result.stderr
    message = session.exec(select(OutboxMessage)).one()
    assert message.status is MessageStatus.PENDING
