"""Beat's real schedule through real workers, with each kind of message the sweep must send:
held until a time now past, a retry now due, one whose worker died mid-send (its lease ran
out), and ones never handed to the broker or handed to one that lost them. Each is sent
exactly once; one Twilio took before its worker died is found there, not sent again; what is
not due (held or retried later, leased, sent, failed, cancelled) is left alone."""

from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlmodel import Session, select

from notifications.models import Audience, Channel, MessageStatus, OutboxMessage
from tests.faults.processes import ACCOUNT_SID, AUTH_TOKEN, SERVICE_SID
from tests.faults.texts import phone, wait_for_each_text_once

pytestmark = [pytest.mark.worker, pytest.mark.faults]

EACH = 5
WITHIN = 30  # seconds; beat sweeps every second (tests.faults.processes.FAST)
NOW = datetime.now(UTC)
AGO = NOW - timedelta(minutes=10)
LATER = NOW + timedelta(hours=1)

DUE = {
    "held until a time now past": dict(status=MessageStatus.HELD, next_attempt_at=AGO),
    "a retry now due": dict(
        status=MessageStatus.PENDING, attempts=1, next_attempt_at=AGO, handed_over_at=AGO
    ),
    "its worker died mid-send": dict(
        status=MessageStatus.SENDING,
        attempts=1,
        next_attempt_at=NOW - timedelta(seconds=1),  # the lease ran out
        unconfirmed_attempt_at=AGO,
        handed_over_at=AGO,
    ),
    "never handed to the broker": dict(status=MessageStatus.PENDING, next_attempt_at=AGO),
    "handed to a broker that lost it": dict(
        status=MessageStatus.PENDING, next_attempt_at=AGO, handed_over_at=AGO
    ),
}
TAKEN_BEFORE_ITS_WORKER_DIED = dict(DUE["its worker died mid-send"])
NOT_DUE = {
    "held until later": dict(status=MessageStatus.HELD, next_attempt_at=LATER),
    "a retry later": dict(status=MessageStatus.PENDING, attempts=1, next_attempt_at=LATER),
    "leased to a live worker": dict(status=MessageStatus.SENDING, next_attempt_at=LATER),
    "sent": dict(status=MessageStatus.SENT, sent_at=AGO),
    "failed": dict(status=MessageStatus.FAILED, attempts=8),
    "cancelled": dict(status=MessageStatus.CANCELLED),
}


def outbox_row(kind: str, i: int, fields: dict) -> OutboxMessage:
    return OutboxMessage(
        idempotency_key=f"sweep:{kind}:{i}",
        audience=Audience.FAMILY,
        channel=Channel.SMS,
        recipient=phone(i),  # a few texts to each number, told apart by body
        locale="en",
        template="support-ending",
        body=f"Devices for Children: {kind}, text {i}.",
        created_at=AGO,
        **({"next_attempt_at": AGO} | fields),
    )


def twilio_takes(fake, message: OutboxMessage) -> str:
    """Posts the message to the fake server as the dead worker did: Twilio has it."""
    response = requests.post(
        f"{fake.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json",
        data={"To": message.recipient, "Body": message.body, "MessagingServiceSid": SERVICE_SID},
        auth=(ACCOUNT_SID, AUTH_TOKEN),
        timeout=5,
    )
    assert response.status_code == 201
    return response.json()["sid"]


def test_beat_sends_each_kind_of_due_message_once_and_leaves_the_rest(
    session: Session, fake, env, processes
):
    due = [outbox_row(kind, i, fields) for kind, fields in DUE.items() for i in range(EACH)]
    taken = outbox_row("taken before its worker died", 0, TAKEN_BEFORE_ITS_WORKER_DIED)
    not_due = [outbox_row(kind, 0, fields) for kind, fields in NOT_DUE.items()]
    session.add_all([*due, taken, *not_due])
    session.commit()
    sid = twilio_takes(fake, taken)

    processes.worker(env, queues="housekeeping", concurrency=1, ready=False)
    processes.worker(env, queues="texts", concurrency=2)
    processes.beat(env)
    expected = {(message.recipient, message.body) for message in [*due, taken]}
    wait_for_each_text_once(
        session, lambda: fake.accepted, seconds=WITHIN, expected=expected, report=processes.report
    )

    session.expire_all()
    assert session.get(OutboxMessage, taken.id).provider_id == sid
    assert [request.form["Body"] for request, _ in fake.exchanges].count(taken.body) == 1
    left = session.exec(
        select(OutboxMessage.idempotency_key, OutboxMessage.status, OutboxMessage.attempts).where(
            OutboxMessage.id.in_([message.id for message in not_due])
        )
    )
    assert {key: (status, attempts) for key, status, attempts in left} == {
        f"sweep:{kind}:0": (fields["status"], fields.get("attempts", 0))
        for kind, fields in NOT_DUE.items()
    }
