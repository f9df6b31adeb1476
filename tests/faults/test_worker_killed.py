"""The texts worker killed mid-send (SIGKILL to it and its pool at once, while Twilio is slow,
so sends are in flight), and a new worker started: every text reaches Twilio exactly once.
The killed worker's texts come back through the outbox lease and beat's sweep; those Twilio
took before the kill are found by asking Twilio, not sent again."""

import time
from collections import Counter

import pytest
from sqlmodel import select

from notifications.models import OutboxMessage
from tests.faults.processes import make_texts, wait_until
from tests.faults.texts import wait_for_each_text_once

pytestmark = [pytest.mark.worker, pytest.mark.faults]

TEXTS = 60
WITHIN = 60  # seconds from the kill; the lease is 10 (tests.faults.processes.FAST)


def test_a_worker_killed_mid_send_loses_no_text_and_sends_none_twice(session, fake, env, processes):
    processes.worker(env, queues="housekeeping", concurrency=1, ready=False)
    processes.beat(env)
    first = processes.worker(env, queues="texts", concurrency=2)
    fake.latency = 0.4  # Twilio is slow: most of the time both processes are mid-send
    make_texts(env, "killed", TEXTS)

    wait_until(
        lambda: len(fake.accepted) >= 20 and fake.in_flight == 2,
        seconds=30,
        every=0.01,
        what="two sends in flight",
    )
    first.kill()  # Twilio has taken those two; the worker never hears back
    killed_at = time.monotonic()
    processes.worker(env, queues="texts", concurrency=2)

    tally = wait_for_each_text_once(
        session, lambda: fake.accepted, seconds=WITHIN, report=processes.report
    )
    print(f"every text sent {time.monotonic() - killed_at:.1f} s after the kill")
    assert len(tally.expected) == TEXTS
    # The texts in flight at the kill were tried again, and found at Twilio, not posted again.
    posts = Counter((request.form["To"], request.form["Body"]) for request, _ in fake.exchanges)
    tried_again = session.exec(
        select(OutboxMessage.recipient, OutboxMessage.body).where(OutboxMessage.attempts > 1)
    ).all()
    assert tried_again
    assert all(posts[pair] == 1 for pair in tried_again)
