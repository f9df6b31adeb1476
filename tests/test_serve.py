"""`dfc serve`: uvicorn's limits come from settings, and several web processes take a steady
load without dropping a request."""

import inspect
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from dfc import cli, cli_settings
from dfc.settings import Settings
from tests.test_compose import services

LOAD_SECONDS = 10
CLIENTS = 12
STARTUP_SECONDS = 60
INTERPOLATED_DEFAULT = re.compile(r"\$\{(?P<name>\w+):-(?P<default>[^}]+)\}")


@pytest.fixture
def uvicorn_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    return calls


def test_serve_passes_the_web_settings_to_uvicorn(uvicorn_calls, monkeypatch):
    settings = Settings(
        WEB_WORKERS=3,
        WEB_HEALTHCHECK_SECONDS=45,
        WEB_MAX_CONCURRENCY=150,
        WEB_BACKLOG=512,
        WEB_KEEP_ALIVE_SECONDS=7,
    )
    monkeypatch.setattr(cli_settings, "get_settings", lambda: settings)

    result = CliRunner().invoke(cli.app, ["serve"])

    assert result.exit_code == 0, result.output
    [call] = uvicorn_calls
    assert call["workers"] == 3
    assert call["timeout_worker_healthcheck"] == 45
    assert call["limit_concurrency"] == 150
    assert call["backlog"] == 512
    assert call["timeout_keep_alive"] == 7
    assert call["timeout_graceful_shutdown"] == cli.GRACEFUL_SHUTDOWN_SECONDS > 0


def test_the_installed_uvicorn_accepts_every_setting_serve_passes(uvicorn_calls, monkeypatch):
    """pyproject allows older uvicorns; one without timeout_worker_healthcheck fails here."""
    monkeypatch.setattr(cli_settings, "get_settings", lambda: Settings())
    assert CliRunner().invoke(cli.app, ["serve", "--workers", "2"]).exit_code == 0
    [call] = uvicorn_calls
    inspect.signature(uvicorn.Config).bind(**call)  # TypeError on an unknown keyword


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def two_web_processes(engine, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`dfc serve --workers 2` on a free port, on the tests' database; skipped if it does not
    answer within STARTUP_SECONDS (a slow machine)."""
    port = free_port()
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "dfc", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--workers", "2"],
        env=os.environ | {"PYTHONUNBUFFERED": "1", "LOG_LEVEL": "INFO"},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(base_url):
            # uvicorn's supervisor keeps restarting a process that cannot import the app.
            if process.poll() is not None or "Traceback" in log.read_text():
                pytest.fail(f"dfc serve did not start:\n{log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                pytest.skip(f"dfc serve did not answer within {STARTUP_SECONDS} s")
            time.sleep(0.25)
        yield base_url, log
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _answers(base_url: str) -> bool:
    try:
        return httpx.get(f"{base_url}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.worker
def test_two_web_processes_answer_a_steady_load_without_dropping_a_request(two_web_processes):
    base_url, log = two_web_processes
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + LOAD_SECONDS

    def client(number: int) -> None:
        paths = ["/healthz", "/help"] if number % 2 else ["/help", "/healthz"]
        with httpx.Client(base_url=base_url, timeout=30) as http:
            sent = 0
            while time.monotonic() < stop_at:
                path = paths[sent % 2]
                sent += 1
                try:
                    outcome = f"{path} {http.get(path).status_code}"
                except httpx.HTTPError as error:
                    outcome = f"{path} {type(error).__name__}"
                with lock:
                    outcomes[outcome] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=LOAD_SECONDS + 60)

    answered = {outcome: n for outcome, n in outcomes.items() if outcome.endswith(" 200")}
    failed = {outcome: n for outcome, n in outcomes.items() if outcome not in answered}
    assert not failed, f"dropped or failed: {failed} (answered: {answered})"
    assert answered.get("/help 200", 0) > 50 and answered.get("/healthz 200", 0) > 50, answered
    assert "died" not in log.read_text(), "uvicorn killed a web process under load"


def test_compose_api_takes_its_web_settings_from_the_environment():
    """docker-compose.yml's api passes WEB_* through with defaults that are valid settings."""
    api = services()["api"]
    assert "--workers" not in api["command"], "use WEB_WORKERS, not a fixed --workers"
    passed = {
        name: INTERPOLATED_DEFAULT.fullmatch(value)
        for name, value in api["environment"].items()
        if name.startswith("WEB_")
    }
    assert "WEB_WORKERS" in passed
    for name, match in passed.items():
        assert match and match["name"] == name, f"{name}: use ${{{name}:-default}}"
        assert name in Settings.model_fields
        Settings(**{name: match["default"]})  # a bad default fails here, not in production


@pytest.mark.worker
def test_dfc_run_stopped_by_sigterm_stops_every_process_it_started(tmp_path):
    """A service manager or container stops `dfc run` with SIGTERM: the web server, beat and
    the workers must stop with it, not run on orphaned."""
    if os.environ.get("DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("runs once, in the SQLite pass: dfc run here uses the embedded defaults")
    port = free_port()
    log = tmp_path / "run.log"
    # The embedded defaults in a folder of its own: never the tests' database or broker.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "CELERY_BROKER_URL")
    }
    environment = inherited | {
        "PYTHONUNBUFFERED": "1",
        "VAR_DIR": str(tmp_path / "var"),
        "PORT": str(port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "dfc", "run"],
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS * 2
        while not _answers(f"http://127.0.0.1:{port}"):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dfc run did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.5)
        children = _children(process.pid)
        assert len(children) >= 5, children  # serve, beat and three workers
        process.terminate()
        assert process.wait(timeout=60) == 0, log.read_text()[-3000:]
        time.sleep(1)
        alive = [pid for pid in children if Path(f"/proc/{pid}").exists()]
        assert not alive, f"still running after dfc run stopped: {alive}"
    finally:
        if process.poll() is None:
            process.kill()


def _children(pid: int) -> list[int]:
    """The process's direct children, from /proc (Linux)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        if f"\nPPid:\t{pid}\n" in text:
            found.append(int(status.parent.name))
    return found
