"""The whole service as `make run` starts it (web server, worker and beat on the demo
data), on a free port and its own database, for the browser tests."""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

E2E_REDIS_DB = 3  # the browser tests' worker never takes the unit tests' tasks


@dataclass
class RunningService:
    base_url: str
    database_url: str
    log: Path
    logins: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return self.base_url + path


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fresh_database_url(test_url: str, run_dir: Path) -> str:
    """A database of its own: a new SQLite file, or `<name>_e2e` made afresh beside the
    tests' PostgreSQL database."""
    url = make_url(test_url)
    if not url.drivername.startswith("postgresql"):
        return f"sqlite:///{run_dir / 'e2e.sqlite3'}"
    name = f"{url.database}_e2e"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def _broker_url(test_broker: str | None) -> str | None:
    if test_broker and test_broker.startswith("redis"):
        return test_broker.rsplit("/", 1)[0] + f"/{E2E_REDIS_DB}"
    return None  # the embedded filesystem broker, in the service's own VAR_DIR


def _read_logins(var_dir: Path) -> dict[str, str]:
    logins = {}
    for line in (var_dir / "demo-logins.txt").read_text().splitlines():
        _role, email, password, *_rest = line.split()
        logins[email] = password
    return logins


def _quiet_hours_now() -> dict[str, str]:
    """Quiet hours around the time the tests run, so the browser journeys happen as at
    23:00 in London: what a family asked for (a code, a confirmation, an answer) must still
    come at once; only alerts wait for the morning."""
    from dfc.settings import get_settings

    hour = datetime.now(get_settings().zone).hour
    return {"QUIET_HOURS_START": str(hour), "QUIET_HOURS_END": str((hour + 2) % 24)}


def start(test_database_url: str, test_broker_url: str | None) -> RunningService:
    run_dir = Path(tempfile.mkdtemp(prefix="dfc-e2e-"))
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": fresh_database_url(test_database_url, run_dir),
        "VAR_DIR": str(run_dir / "var"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SECRET_KEY": "e2e-secret-key-not-for-production",
        "PYTHONUNBUFFERED": "1",
        **_quiet_hours_now(),
    }
    env.pop("CELERY_BROKER_URL", None)
    if broker := _broker_url(test_broker_url):
        env["CELERY_BROKER_URL"] = broker
    log = run_dir / "service.log"
    service = RunningService(f"http://127.0.0.1:{port}", env["DATABASE_URL"], log)
    service.process = subprocess.Popen(
        [sys.executable, "-m", "dfc", "run"],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"the service stopped:\n{log.read_text()[-4000:]}")
        try:
            if httpx.get(service.url("/readyz"), timeout=2).status_code == 200:
                service.logins = _read_logins(run_dir / "var")
                return service
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    stop(service)
    raise RuntimeError(f"the service did not become ready:\n{log.read_text()[-4000:]}")


def stop(service: RunningService) -> None:
    """Ctrl-C, as a person would; then make sure nothing is left running."""
    if service.process is None or service.process.poll() is not None:
        return
    service.process.send_signal(signal.SIGINT)
    try:
        service.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(service.process.pid, signal.SIGKILL)
