"""A broker that accepts connections but answers nothing (a paused machine, a Redis stuck on
a long command): making a text must not wait on it, as it does not wait on a broker that is
gone (test_broker_down); the sweep sends the texts once the broker answers again."""

import pytest

from tests.faults.processes import make_texts

pytestmark = [pytest.mark.worker, pytest.mark.faults]

PATIENCE = 10  # seconds; with the broker gone, five texts take about one


def test_making_texts_does_not_wait_on_a_frozen_broker(session, env, broker):
    broker.freeze()
    try:
        assert make_texts(env, "frozen", 5, timeout=PATIENCE) < PATIENCE
    finally:
        broker.thaw()
