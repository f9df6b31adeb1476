"""Real processes for the fault tests and the drain benchmark: a redis-server of our own,
`dfc worker`, `dfc beat`, a process that makes texts as the service does, and waiting until
something is true.

Each process starts in a session of its own, so `kill()` takes its children with it (the
worker's pool), as when a container or a machine dies; its output goes to a log file."""

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import redis

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")

# Settings that make the faults recover in seconds rather than minutes (the defaults are
# minutes: see dfc/settings.py). The lease outlasts two Twilio timeouts (asking Twilio, then
# sending), so a live worker's message is never taken from it.
FAST = {
    "OUTBOX_SWEEP_SECONDS": "1",
    "OUTBOX_LEASE_SECONDS": "10",
    "OUTBOX_HANDOVER_SECONDS": "5",
    "BROKER_VISIBILITY_SECONDS": "10",
    "TWILIO_TIMEOUT_SECONDS": "2",
    "SMS_PER_SECOND": "1000",
    "QUIET_HOURS_START": "0",
    "QUIET_HOURS_END": "0",
}
ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "fault-test-auth-token"
SERVICE_SID = "MG" + "0" * 32


def environment(
    *,
    database_url: str,
    broker_url: str,
    twilio_url: str,
    var_dir: Path,
    base: dict[str, str] = FAST,
    **settings: str,
) -> dict[str, str]:
    """This environment with the service pointed at our database, broker and fake Twilio,
    the `base` settings (FAST unless told), and `settings` over them."""
    var_dir.mkdir(parents=True, exist_ok=True)  # beat's schedule file lives there
    return (
        dict(os.environ)
        | {
            "DATABASE_URL": database_url,
            "CELERY_BROKER_URL": broker_url,
            "VAR_DIR": str(var_dir),
            "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_MESSAGING_SERVICE_SID": SERVICE_SID,
            "TWILIO_FROM_NUMBER": "",
            "TWILIO_API_BASE_URL": twilio_url,
            "PYTHONUNBUFFERED": "1",
        }
        | base
        | settings
    )


def wait_until(
    check: Callable[[], T], *, seconds: float, every: float = 0.25, what: str = "it"
) -> T:
    """The first true value of `check()`, asked every `every` seconds for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise TimeoutError(f"{what}: not within {seconds:g} s")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Process:
    """A process we started, its output in `log_path`."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], log_path: Path):
        self.name, self.command, self.log_path = name, command, log_path
        self.ended = False  # by kill() or stop(): its group id is not ours to signal any more
        self._log = log_path.open("ab")
        self.popen = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def tasks_received(self, task: str) -> int:
        """How many `task` tasks a worker logged as received (at --loglevel INFO)."""
        lines = self.log().splitlines()
        return sum(f"Task {task}[" in line and line.endswith(" received") for line in lines)

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def _signal_group(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, number)  # our process and whatever it started

    def kill(self) -> None:
        """SIGKILL to the process and its children at once: no clean-up, no acknowledgement."""
        if self.ended:
            return
        self._signal_group(signal.SIGKILL)
        self._end()

    def _end(self) -> None:
        self.popen.wait(timeout=15)
        self.ended = True
        self._log.close()

    def stop(self, *, seconds: float = 15) -> None:
        """SIGTERM (a worker finishes what it is doing), then SIGKILL after `seconds`."""
        if self.ended:
            return
        self._signal_group(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=seconds)
        self._signal_group(signal.SIGKILL)  # and any child the parent left behind
        self._end()


class PrivateRedis:
    """A redis-server of our own on a free port, keeping nothing on disk, so it can be killed
    and started again (empty, as after a crash) without touching anyone else's Redis."""

    def __init__(self, folder: Path, *, port: int | None = None) -> None:
        self.folder = folder
        self.port = port or free_port()
        self.process: Process | None = None
        self.starts = 0

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=5)

    def answering(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> "PrivateRedis":
        self.folder.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        command += ["--dir", str(self.folder)]
        log = self.folder / f"redis-{self.starts}.log"
        self.process = Process("redis", command, dict(os.environ), log)
        wait_until(self.answering, seconds=10, every=0.05, what=f"redis-server on {self.port}")
        return self

    def freeze(self) -> None:
        """SIGSTOP: it still accepts connections (the kernel does that) but answers nothing,
        like a broker on a paused machine or stuck on a long command."""
        assert self.process is not None
        os.kill(self.process.popen.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.popen.pid, signal.SIGCONT)

    def kill(self) -> None:
        """Gone at once, with every queued task: it keeps nothing on disk."""
        if self.process is not None:
            self.process.kill()
            self.process = None

    def queued(self, queue: str, task: str) -> int:
        """How many `task` tasks wait in `queue` (Celery's message headers name the task)."""
        return sum(
            json.loads(raw)["headers"].get("task") == task
            for raw in self.client().lrange(queue, 0, -1)
        )


class Processes:
    """The worker and beat processes of one test or run; `kill_all` ends those still alive."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.started: list[Process] = []

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Process:
        number = sum(process.name == name for process in self.started) + 1
        log = self.folder / f"{name}-{number}.log"
        process = Process(name, command, env, log)
        self.started.append(process)
        return process

    def worker(
        self,
        env: dict[str, str],
        *,
        queues: str = "texts",
        concurrency: int = 2,
        beat: bool = False,
        ready: bool = True,
    ) -> Process:
        """`dfc worker` on `queues`; waits until it takes tasks unless `ready` is False."""
        command = [sys.executable, "-m", "dfc", "worker", "--queues", queues]
        command += ["--concurrency", str(concurrency), "--loglevel", "INFO"]
        if beat:
            command.append("--beat")
        process = self.start(f"worker-{queues.replace(',', '+')}", command, env)
        if ready:
            wait_ready(process)
        return process

    def beat(self, env: dict[str, str]) -> Process:
        """`dfc beat`: the real schedule (its sweep every OUTBOX_SWEEP_SECONDS)."""
        command = [sys.executable, "-m", "dfc", "beat", "--loglevel", "INFO"]
        return self.start("beat", command, env)

    def kill_all(self) -> None:
        """At the end: nothing is left to finish, so no waiting for a warm shutdown."""
        for process in self.started:
            process.kill()

    def report(self, lines: int = 30) -> str:
        """The end of every log, for a failure message."""
        return "\n\n".join(
            f"== {process.log_path.name} ({'running' if process.alive else 'stopped'})\n"
            + process.tail(lines)
            for process in self.started
        )


def wait_ready(worker: Process, *, seconds: float = 60) -> None:
    """Until the worker says it is ready for tasks (after connecting to the broker)."""

    def ready() -> bool:
        if not worker.alive:
            raise RuntimeError(f"{worker.name} stopped:\n{worker.tail()}")
        return " ready." in worker.log()

    wait_until(ready, seconds=seconds, what=f"{worker.name} ready")


def texts_command(prefix: str, count: int, *, start: int = 0, **options: int) -> list[str]:
    """The command that makes texts (tests.faults.texts); options: numbers, batch."""
    command = [sys.executable, "-m", "tests.faults.texts", prefix, str(count), "--start"]
    command.append(str(start))
    for name, value in options.items():
        command += [f"--{name}", str(value)]
    return command


def make_texts(
    env: dict[str, str], prefix: str, count: int, *, start: int = 0, timeout: float = 120
) -> float:
    """Makes `count` family texts in a process of its own, as the service would (enqueued in
    transactions that commit, handed to the broker in `env`); returns the seconds it took."""
    result = subprocess.run(
        texts_command(prefix, count, start=start),
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"making texts failed:\n{result.stdout}\n{result.stderr}")
    return float(result.stdout.strip().splitlines()[-1])
