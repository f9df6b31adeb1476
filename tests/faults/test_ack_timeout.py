"""A worker whose acknowledgement of a finished task times out on a frozen broker goes on
taking tasks once the broker answers (dfc/worker_ack.py). Celery on its own logs "Couldn't
ack" and never takes another task: a housekeeping worker in that state sweeps no more."""

import sys
import time
from pathlib import Path

import pytest

from dfc.worker import BROKER_SOCKET_SECONDS, HOUSEKEEPING
from tests.faults.processes import PrivateRedis, Processes, wait_ready, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.faults]


def test_a_worker_goes_on_taking_tasks_after_an_acknowledgement_timed_out(
    env: dict[str, str], broker: PrivateRedis, processes: Processes, tmp_path: Path
):
    notes = tmp_path / "notes.txt"
    notes.touch()
    worker_env = env | {"NOTES_FILE": str(notes)}
    command = [sys.executable, "-m", "celery", "-A", "tests.faults.ack_app", "worker"]
    command += ["--queues", HOUSEKEEPING, "--concurrency", "1", "--loglevel", "INFO"]
    worker = processes.start("worker-ack", command, worker_env)
    wait_ready(worker)
    from tests.faults.ack_app import app  # made with the settings of this test's run

    with app.connection_for_write(broker.url()) as connection:
        finish = tmp_path / "finish"
        app.send_task("tests.faults.note", ("slow", str(finish)), connection=connection)
        wait_until(lambda: "slow-started" in notes.read_text(), seconds=30, what="slow started")
        # The task ends while the broker is frozen, so its acknowledgement times out.
        broker.freeze()
        try:
            finish.touch()
            wait_until(lambda: "slow\n" in notes.read_text(), seconds=10, what="slow done")
            time.sleep(BROKER_SOCKET_SECONDS + 3)
        finally:
            broker.thaw()
        assert "slow\n" in notes.read_text()
        for word in ("after-1", "after-2", "after-3"):
            app.send_task("tests.faults.note", (word,), connection=connection)

    def all_done() -> bool:
        done = notes.read_text().splitlines()
        return all(word in done for word in ("after-1", "after-2", "after-3"))

    wait_until(all_done, seconds=40, what=f"the tasks after the thaw\n{processes.report()}")
    assert worker.alive
    assert "Connection to broker lost" in worker.log()  # and found again
