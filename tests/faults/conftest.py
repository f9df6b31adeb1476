"""Fault tests: real `dfc worker` and `dfc beat` processes, a redis-server of their own as the
broker, the database under test and the fake Twilio server; each fault ends with every text
delivered exactly once, counted at the fake server, within a bound the test states.

They are production's faults (PostgreSQL and Redis), so they run in CI's second pass, on
PostgreSQL, and skip in the first (SQLite, embedded broker): they run once. Only the rollback
tests run in both passes, with the broker the suite is configured with."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from dfc.settings import get_settings
from tests.conftest import IN_CI, require_server
from tests.fakes.twilio_server import FakeTwilio
from tests.faults.processes import AUTH_TOKEN, PrivateRedis, Processes, environment


@pytest.fixture
def on_postgresql(engine: Engine) -> Engine:
    """Skips unless the suite runs on PostgreSQL, and needs redis-server to start our own."""
    url = get_settings().database_url
    if engine.dialect.name != "postgresql":
        pytest.skip("a production fault: runs in the PostgreSQL pass (DATABASE_URL=postgresql...)")
    require_server("PostgreSQL", url)
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (the fault tests start their own)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return engine


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    with FakeTwilio(auth_token=AUTH_TOKEN) as server:
        yield server


@pytest.fixture
def broker(on_postgresql: Engine, tmp_path: Path) -> Iterator[PrivateRedis]:
    """A redis-server of this test's own: no leftover queue can reach it, and killing it
    harms nobody else."""
    server = PrivateRedis(tmp_path / "redis").start()
    yield server
    server.kill()


@pytest.fixture
def env(broker: PrivateRedis, fake: FakeTwilio, tmp_path: Path) -> dict[str, str]:
    """The environment of every process of the test: PostgreSQL, our Redis, the fake."""
    return environment(
        database_url=get_settings().database_url,
        broker_url=broker.url(),
        twilio_url=fake.url,
        var_dir=tmp_path / "var",
    )


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Processes]:
    """Starts workers and beat; kills whatever is left at the end and prints their logs
    (pytest shows them when the test failed)."""
    started = Processes(tmp_path / "logs")
    yield started
    started.kill_all()
    print(started.report())
