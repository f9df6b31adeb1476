"""A broker that accepts connections but answers nothing (a paused machine, a Redis stuck on
a long command): making a text must not wait on it, as it does not wait on a broker that is
gone (test_broker_down); the sweep sends the texts once the broker answers again."""

import time

import pytest

from tests.faults.processes import make_texts
from tests.faults.texts import wait_for_each_text_once

pytestmark = [pytest.mark.worker, pytest.mark.faults]

TEXTS = 20
PATIENCE = 10  # seconds to make them; with the broker gone, they take about one
FROZEN = 15  # seconds
WITHIN = 60  # seconds from the thaw


def test_a_frozen_broker_neither_holds_up_making_texts_nor_loses_them(
    session, fake, env, broker, processes
):
    processes.worker(env, queues="housekeeping", concurrency=1, ready=False)
    processes.beat(env)
    processes.worker(env, queues="texts", concurrency=2)
    broker.freeze()
    frozen_at = time.monotonic()
    try:
        assert make_texts(env, "frozen", TEXTS, timeout=PATIENCE) < PATIENCE
        time.sleep(max(0.0, FROZEN - (time.monotonic() - frozen_at)))
    finally:
        broker.thaw()
    tally = wait_for_each_text_once(
        session, lambda: fake.accepted, seconds=WITHIN, report=processes.report
    )
    assert len(tally.expected) == TEXTS
