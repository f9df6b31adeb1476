"""A real Celery worker process takes a task from a real broker and does the work."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from dfc.heartbeat import WorkerHeartbeat
from dfc.settings import get_settings
from dfc.worker import create_celery
from tests.conftest import REDIS_URL, require_server


@pytest.fixture(params=["configured", "redis"])
def broker_url(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """The broker from settings (embedded by default, Redis in CI), and Redis itself."""
    if request.param == "configured":
        return get_settings().CELERY_BROKER_URL
    require_server("Redis", REDIS_URL)
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", REDIS_URL)
    return REDIS_URL


@pytest.fixture
def worker(broker_url: str, engine) -> Iterator[subprocess.Popen]:
    process = subprocess.Popen(
        [sys.executable, "-m", "dfc", "worker", "--concurrency", "1", "--loglevel", "WARNING"],
        env=os.environ | {"CELERY_BROKER_URL": broker_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.worker
def test_a_task_sent_through_the_broker_is_done_by_the_worker(worker, broker_url, session: Session):
    settings = get_settings().model_copy(update={"CELERY_BROKER_URL": broker_url})
    create_celery(settings).send_task("dfc.tasks.record_heartbeat")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        session.expire_all()
        if session.exec(select(WorkerHeartbeat)).first():
            break
        assert worker.poll() is None, f"the worker stopped: {worker.stdout.read()}"
        time.sleep(0.25)
    beat = session.exec(select(WorkerHeartbeat)).first()
    assert beat is not None, "the worker did not record its heartbeat within 60 seconds"
