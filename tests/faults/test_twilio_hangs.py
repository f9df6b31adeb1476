"""Twilio taking texts and then answering too late (past TWILIO_TIMEOUT_SECONDS: the classic
duplicate) or closing the connection, having taken the text or not. Every text reaches
Twilio exactly once: before sending again, the worker asks Twilio whether it took it."""

import pytest

from tests.faults.processes import FAST, make_texts
from tests.faults.texts import wait_for_each_text_once

pytestmark = [pytest.mark.worker, pytest.mark.faults]

TEXTS = 100
EACH = 5  # hangs, connections dropped after taking the text, dropped before
HANG = float(FAST["TWILIO_TIMEOUT_SECONDS"]) + 3
WITHIN = 75  # seconds from the first text; the first retry waits 24 to 36


def test_twilio_answering_too_late_or_dropping_the_connection_sends_no_text_twice(
    session, fake, env, processes
):
    processes.worker(env, queues="housekeeping", concurrency=1, ready=False)
    processes.beat(env)
    processes.worker(env, queues="texts", concurrency=2)
    for _ in range(EACH):
        fake.hang_next(HANG)
        fake.drop_next(accepted=True)
        fake.drop_next(accepted=False)
    make_texts(env, "hang", TEXTS)

    tally = wait_for_each_text_once(
        session, lambda: fake.accepted, seconds=WITHIN, report=processes.report
    )
    assert len(tally.expected) == TEXTS
    assert fake.answered == {"hang": EACH, "drop": 2 * EACH, "201": TEXTS - 2 * EACH}
    asked = {request.query.get("To") for request in fake.requests if request.method == "GET"}
    assert len(asked) >= 1
