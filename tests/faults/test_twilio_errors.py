"""Twilio refusing for a while: 429s with Retry-After, then 500s (some after taking the
message, as Twilio may). Every text reaches Twilio exactly once: a refused one is retried
no sooner than Twilio asked, and one Twilio took despite its 500 is found, not sent again."""

import pytest

from tests.faults.processes import make_texts
from tests.faults.texts import wait_for_each_text_once

pytestmark = [pytest.mark.worker, pytest.mark.faults]

TEXTS = 120
RATE_LIMITED, SERVER_ERRORS, SERVER_ERRORS_TAKEN = 30, 20, 10
RETRY_AFTER = 30  # seconds; the first retry's backoff is 24 to 36 (notifications/sending.py)
WITHIN = 75  # seconds from the first text


def test_a_storm_of_429s_then_500s_loses_no_text_and_sends_none_twice(
    session, fake, env, processes
):
    processes.worker(env, queues="housekeeping", concurrency=1, ready=False)
    processes.beat(env)
    processes.worker(env, queues="texts", concurrency=2)
    for _ in range(RATE_LIMITED):
        fake.rate_limit_next(retry_after=RETRY_AFTER)
    for _ in range(SERVER_ERRORS):
        fake.server_error_next()
    for _ in range(SERVER_ERRORS_TAKEN):
        fake.server_error_next(accepted=True)
    make_texts(env, "storm", TEXTS)

    tally = wait_for_each_text_once(
        session, lambda: fake.accepted, seconds=WITHIN, report=processes.report
    )
    assert len(tally.expected) == TEXTS
    answered = fake.answered
    assert answered["429"] == RATE_LIMITED
    assert answered["500"] == SERVER_ERRORS + SERVER_ERRORS_TAKEN
    # The ten Twilio took despite its 500 were found by asking, not posted again.
    assert answered["201"] == TEXTS - SERVER_ERRORS_TAKEN
    # A rate-limited text was posted again no sooner than Retry-After.
    tries: dict[tuple[str, str], list[tuple[float, str]]] = {}
    for request, kind in fake.exchanges:
        tries.setdefault((request.form["To"], request.form["Body"]), []).append((request.at, kind))
    limited = [times for times in tries.values() if times[0][1] == "429"]
    assert len(limited) == RATE_LIMITED
    for (first_at, _), (second_at, kind) in limited:
        assert kind == "201"
        assert second_at - first_at >= RETRY_AFTER - 1
