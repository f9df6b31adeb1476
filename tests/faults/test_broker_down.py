"""The broker (our own redis-server) killed while texts are being sent, with every task in it,
more texts made while it is down, and a new, empty one started on the same port 20 seconds
later. Making a text never waits on the broker, and every text reaches Twilio exactly once:
beat's sweep hands the outbox to the new broker, and the workers reconnect by themselves."""

import time

import pytest

from tests.faults.processes import make_texts, wait_until
from tests.faults.texts import wait_for_each_text_once

pytestmark = [pytest.mark.worker, pytest.mark.faults]

BEFORE, DURING = 150, 50
DOWN = 20  # seconds
WITHIN = 60  # seconds from the broker's return


def test_the_broker_down_for_20_seconds_loses_no_text_and_sends_none_twice(
    session, fake, env, broker, processes
):
    housekeeping = processes.worker(env, queues="housekeeping", concurrency=1, ready=False)
    beat = processes.beat(env)
    texts = processes.worker(env, queues="texts", concurrency=2)
    fake.latency = 0.1  # so that most texts are still queued when the broker dies
    make_texts(env, "before", BEFORE)
    wait_until(lambda: len(fake.accepted) >= 20, seconds=30, what="some texts sent")

    broker.kill()
    killed_at = time.monotonic()
    queued_at_kill = BEFORE - len(fake.accepted)
    assert make_texts(env, "during", DURING, start=BEFORE) < 20, "making texts waited on the broker"
    time.sleep(max(0.0, DOWN - (time.monotonic() - killed_at)))
    broker.start()
    back_at = time.monotonic()

    tally = wait_for_each_text_once(
        session, lambda: fake.accepted, seconds=WITHIN, report=processes.report
    )
    print(f"all sent {time.monotonic() - back_at:.1f} s after the broker came back")
    assert len(tally.expected) == BEFORE + DURING
    assert queued_at_kill > 50, "the broker died with too few texts in it to matter"
    assert housekeeping.alive and beat.alive and texts.alive
