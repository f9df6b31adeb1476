"""The texts a worker has in flight share their statements (notifications.send_group): each
thread still gets its own answer, errors reach every thread whose item was in the
statement, and more threads than fit in one statement all get theirs."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from notifications.send_group import MOST_AT_ONCE, GroupRunner


def test_each_thread_gets_its_own_answer_even_with_more_threads_than_one_statement_holds():
    batches: list[list[int]] = []
    lock = threading.Lock()

    def run_many(items):
        with lock:
            batches.append(list(items))
        return [item * 10 for item in items]

    runner = GroupRunner(run_many, lanes=2)
    items = range(MOST_AT_ONCE * 3)
    with ThreadPoolExecutor(MOST_AT_ONCE * 2) as pool:
        answers = list(pool.map(runner.run, items))
    assert answers == [item * 10 for item in items]
    ran = sorted(item for batch in batches for item in batch)
    assert ran == list(items), "every item in exactly one statement"
    assert all(0 < len(batch) <= MOST_AT_ONCE for batch in batches)


def test_a_failed_statement_fails_every_thread_whose_item_was_in_it():
    def run_many(items):
        if "bad" in items:
            raise RuntimeError("the database went away")
        return items

    runner = GroupRunner(run_many)
    assert runner.run("good") == "good"
    with pytest.raises(RuntimeError, match="went away"):
        runner.run("bad")
    assert runner.run("good again") == "good again", "the runner is free after a failure"
