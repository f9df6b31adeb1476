"""A backlog of texts: it drains at SMS_PER_SECOND, and the sweep does not queue again the
texts still waiting in the broker's queue (so new texts do not wait behind stale copies)."""

import time

import pytest

from tests.faults.processes import make_texts, wait_until
from tests.faults.texts import statuses, wait_for_each_text_once

pytestmark = [pytest.mark.worker, pytest.mark.faults]

CONCURRENCY = 2


def test_a_backlog_drains_at_sms_per_second(session, fake, env, processes):
    texts, per_second = 150, 10  # fifteen seconds' worth, made while the worker sends
    bound = 1.5 * texts / per_second
    env = env | {"SMS_PER_SECOND": str(per_second)}
    processes.worker(env, queues="texts", concurrency=2)
    started = time.monotonic()
    make_texts(env, "rate", texts)
    wait_for_each_text_once(session, lambda: fake.accepted, seconds=bound, settle=0)
    assert time.monotonic() - started < bound


def test_a_backlog_slower_than_the_hand_over_grace_is_not_queued_twice(
    session, fake, env, broker, processes
):
    texts = 60  # eight a second: about 8 s, past the 5 s grace (tests.faults.processes.FAST)
    processes.worker(env, queues="housekeeping", concurrency=1, ready=False)
    processes.beat(env)
    worker = processes.worker(env, queues="texts", concurrency=CONCURRENCY)
    fake.latency = 0.25
    make_texts(env, "backlog", texts)
    wait_for_each_text_once(session, lambda: fake.accepted, seconds=60, settle=0)
    wait_until(lambda: statuses(session) == {"sent": texts}, seconds=10)
    task = "notifications.send_text"
    tasks = worker.tasks_received(task) + broker.queued("texts", task)
    # Once the queue is empty, the last texts' tasks are still held by the worker (one a
    # process, not yet started) and may be handed over again: no more than those.
    assert texts <= tasks <= texts + CONCURRENCY, f"{tasks} tasks to send {texts} texts"
