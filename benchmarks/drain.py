"""The time to drain 10,000 family texts after each fault, through real processes: `dfc worker`
on the texts queue (and one on housekeeping), `dfc beat`, PostgreSQL, a redis-server of our
own and the tests' fake Twilio server; beside it, the fake server's own acceptance rate in
the same run (the Twilio SDK posting the same count straight to it from as many processes),
and the texts it received twice (must be 0) or never (must be 0).

    .venv/bin/python -m benchmarks.drain [--messages 10000] [--runs 3] [--faults none,killed]
        [--concurrency 2] [--settings fast|production] [--database-url URL] [--keep]
        [--logs FOLDER]

Texts are made by a process of their own (as a web request or the daily alerts would make
them: enqueued, committed in batches of 100, handed to the broker), with the workers already
running; the clock starts with the first text and stops when the outbox has every text sent
and the fake server has every one. Each fault starts FAULT_AT seconds in:

  none     nothing goes wrong
  killed   SIGKILL to the texts worker and its pool; a new one is started at once
  storm    Twilio answers 429 (Retry-After: 5) for 10 s, then 500 for 10 s
  hang     for 10 s Twilio takes each text and answers TWILIO_TIMEOUT_SECONDS + 3 s later
  broker   the redis-server is killed (every queued task with it) and a new one started 30 s
           later on the same port

`--settings fast` shortens the outbox's timings as the fault tests do (sweep every second,
lease 10 s, hand-over grace 5 s, broker visibility 10 s, Twilio timeout 2 s);
`production` keeps the defaults of dfc/settings.py. Both lift SMS_PER_SECOND to 1,000 and
turn quiet hours off. The database (default dfc_drain_bench) is created, brought to head and
dropped at the end (kept with --keep).
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.database import check_safe, connect, drop_database, ensure_database
from benchmarks.drain_report import NUMBERS, Run, fake_alone, report, revision
from tests.fakes.twilio_server import FakeTwilio
from tests.faults.processes import (
    AUTH_TOKEN,
    FAST,
    ROOT,
    PrivateRedis,
    Process,
    Processes,
    environment,
    texts_command,
    wait_ready,
)

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dfc_drain_bench"
FAULTS = ("none", "killed", "storm", "hang", "broker")
FAULT_AT = 5.0  # seconds after the first text
TROUBLE = 10.0  # seconds of 429s, of 500s, of hangs
BROKER_DOWN = 30.0
BATCH = 100
SETTINGS = {
    "fast": FAST,
    "production": {"SMS_PER_SECOND": "1000", "QUIET_HOURS_START": "0", "QUIET_HOURS_END": "0"},
}
SEND_TASK = "notifications.send_text"


@dataclass
class Stack:
    """One run's processes: broker, workers, beat, and the fake Twilio server."""

    fake: FakeTwilio
    broker: PrivateRedis
    processes: Processes
    env: dict[str, str]
    concurrency: int
    texts_workers: list[Process] = field(default_factory=list)

    def start_texts_worker(self, *, ready: bool) -> None:
        worker = self.processes.worker(
            self.env, queues="texts", concurrency=self.concurrency, ready=ready
        )
        self.texts_workers.append(worker)


def inject(fault: str, stack: Stack) -> list[tuple[float, Callable[[], None]]]:
    """Does the fault now; returns what to do later, as (seconds from now, action)."""
    timeout = float(stack.env.get("TWILIO_TIMEOUT_SECONDS", "10"))
    if fault == "killed":
        stack.texts_workers[-1].kill()
        stack.start_texts_worker(ready=False)
    elif fault == "storm":
        stack.fake.rate_limit_for(TROUBLE, retry_after=5)
        stack.fake.server_error_for(TROUBLE)
    elif fault == "hang":
        stack.fake.hang_for(TROUBLE, hang=timeout + 3)
    elif fault == "broker":
        stack.broker.kill()
        return [(BROKER_DOWN, stack.broker.start)]
    return []


def outbox_counts(url: str) -> tuple[int, int]:
    """(texts sent, texts in the outbox)."""
    with connect(url) as connection:
        sent, total = connection.execute(
            "SELECT count(*) FILTER (WHERE status = 'sent'), count(*) FROM outbox_message"
        ).fetchone()
    return sent, total


def empty_outbox(url: str) -> None:
    with connect(url) as connection:
        connection.execute("TRUNCATE outbox_message, worker_heartbeat RESTART IDENTITY")


def drain_once(
    url: str,
    fault: str,
    *,
    messages: int,
    concurrency: int,
    settings: str,
    limit: float,
    keep_logs: Path | None = None,
) -> Run:
    empty_outbox(url)
    with (
        tempfile.TemporaryDirectory(prefix="dfc-drain-") as folder,
        FakeTwilio(auth_token=AUTH_TOKEN) as fake,
    ):
        work = Path(folder)
        broker = PrivateRedis(work / "redis").start()
        env = environment(
            database_url=url,
            broker_url=broker.url(),
            twilio_url=fake.url,
            var_dir=work / "var",
            base=SETTINGS[settings],
        )
        stack = Stack(fake, broker, Processes(work / "logs"), env, concurrency)
        maker: subprocess.Popen | None = None
        try:
            housekeeping = stack.processes.worker(
                env, queues="housekeeping", concurrency=1, ready=False
            )
            stack.processes.beat(env)
            stack.start_texts_worker(ready=True)
            wait_ready(housekeeping)
            started = time.monotonic()
            maker_out = (work / "logs" / "texts.log").open("w")
            maker = subprocess.Popen(  # noqa: S603 (our own command line)
                texts_command("drain", messages, numbers=NUMBERS, batch=BATCH),
                env=env,
                cwd=ROOT,
                stdout=maker_out,
                stderr=subprocess.STDOUT,  # a file, not a pipe nobody reads until the end
            )
            injected, later = False, []
            drained_at = None
            while time.monotonic() - started < limit:
                now = time.monotonic() - started
                if not injected and now >= FAULT_AT:
                    later = [(now + seconds, action) for seconds, action in inject(fault, stack)]
                    injected = True
                for due in [item for item in later if item[0] <= now]:
                    later.remove(due)
                    due[1]()
                sent, _ = outbox_counts(url)
                received = len({(m["to"], m["body"]) for m in fake.accepted})
                if maker.poll() is not None and sent == messages and received >= messages:
                    drained_at = now
                    break
                time.sleep(0.5)
            made = maker.poll()
            maker_out.close()
            output = (work / "logs" / "texts.log").read_text().split()
            if made != 0:
                print(f"making texts ended with {made}: {' '.join(output[-40:])}", flush=True)
            time.sleep(3)  # a late duplicate would arrive now
            enqueue_s = float(output[-1]) if made == 0 else float("nan")
            return tally(url, fault, fake, stack, drained_at, enqueue_s, messages)
        finally:
            if maker is not None and maker.poll() is None:
                maker.kill()
            stack.processes.kill_all()
            broker.kill()
            if keep_logs is not None:
                shutil.copytree(work / "logs", keep_logs, dirs_exist_ok=True)


def tally(
    url: str,
    fault: str,
    fake: FakeTwilio,
    stack: Stack,
    drained_at: float | None,
    enqueue_s: float,
    messages: int,
) -> Run:
    with connect(url) as connection:
        expected = set(connection.execute("SELECT recipient, body FROM outbox_message"))
    received = Counter((m["to"], m["body"]) for m in fake.accepted)
    tasks = sum(worker.tasks_received(SEND_TASK) for worker in stack.texts_workers)
    return Run(
        fault=fault,
        drain_s=drained_at,
        enqueue_s=enqueue_s,
        duplicates=sum(count - 1 for count in received.values() if count > 1),
        losses=len(expected - set(received)) + max(0, messages - len(expected)),
        tasks=tasks,
        posts=sum(fake.answered.values()),
        answered=fake.answered,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--faults", default=",".join(FAULTS))
    parser.add_argument("--concurrency", type=int, default=2, help="texts worker processes")
    parser.add_argument("--settings", choices=sorted(SETTINGS), default="fast")
    parser.add_argument("--limit", type=float, default=1200, help="seconds before giving up")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--logs", type=Path, help="keep each run's process logs in this folder")
    args = parser.parse_args(argv)
    faults = [fault.strip() for fault in args.faults.split(",") if fault.strip()]
    unknown = set(faults) - set(FAULTS)
    if unknown:
        parser.error(f"unknown faults {sorted(unknown)}; choose from {', '.join(FAULTS)}")
    url = args.database_url
    check_safe(url)
    from dfc import migrate

    drop_database(url)
    ensure_database(url)
    migrate.upgrade(url)
    print(
        f"{args.messages:,} texts, {args.runs} runs, texts worker --concurrency "
        f"{args.concurrency}, {args.settings} settings, {os.cpu_count()} CPUs, {revision()}",
        flush=True,
    )
    runs, baseline = [], []
    try:
        for number in range(args.runs):
            baseline.append(fake_alone(args.messages, args.concurrency))
            print(f"run {number + 1}: the fake alone {baseline[-1]:.1f} s", flush=True)
            for fault in faults:
                run = drain_once(
                    url,
                    fault,
                    messages=args.messages,
                    concurrency=args.concurrency,
                    settings=args.settings,
                    limit=args.limit,
                    keep_logs=args.logs / f"{fault}-{number + 1}" if args.logs else None,
                )
                runs.append(run)
                print(
                    f"run {number + 1}: {fault} drained in "
                    f"{run.drain_s if run.drain_s is None else round(run.drain_s, 1)} s, "
                    f"made in {run.enqueue_s:.1f} s, {run.tasks:,} tasks, "
                    f"{run.duplicates} duplicates, {run.losses} losses, "
                    f"answers {dict(run.answered)}",
                    flush=True,
                )
    finally:
        if not args.keep:
            drop_database(url)
    print()
    print(report(runs, baseline, args.messages))
    failed = any(run.drain_s is None or run.duplicates or run.losses for run in runs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
