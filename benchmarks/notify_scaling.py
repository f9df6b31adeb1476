"""The send path beside its limit, in one run: texts a second through `send_one` with 1, 2
and 4 worker processes, each sending TEXT_SENDS_IN_FLIGHT at once, against the Twilio SDK
posting the same texts straight to the same fake server from as many processes and threads
(no database, no claim, no rate limit). Runs alternate project/SDK, in rounds; medians.

    .venv/bin/python -m benchmarks.notify_send --scaling [--messages 5000] [--rounds 3]
        [--workers 1,2,4] [--in-flight 8] [--redis redis://127.0.0.1:6379/11]

Every run sends fresh texts (distinct bodies) from a database of its own (default
dfc_notify_bench, dropped at the end); a duplicate is a To+Body pair the fake server took
twice. SMS_PER_SECOND is lifted (`--per-second`), so what is measured is the machinery.
"""

import multiprocessing
import os
import statistics
import time
import traceback
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from benchmarks.notify_report import n, table
from benchmarks.notify_sending import READY_TIMEOUT, configure

SDK, PROJECT = "sdk", "project"
CPU = "cpu seconds"  # the sending processes' own CPU (not PostgreSQL's, Redis's or the fake's)


def make_texts(label: str, count: int) -> list[int]:
    """`count` pending family texts with bodies of their own, written in one statement."""
    from dfc.db import get_engine
    from dfc.db_types import utcnow
    from notifications.models import Audience, Channel, OutboxMessage

    now = utcnow()
    rows = [
        {
            "idempotency_key": f"scaling:{label}:{i}",
            "audience": Audience.FAMILY,
            "channel": Channel.SMS,
            "recipient": f"+447700900{i % 1000:03d}",
            "locale": "en",
            "template": "support-ending",
            "body": f"Support for your child's laptop ends soon ({label} {i}).",
            "next_attempt_at": now,
            "created_at": now,
        }
        for i in range(count)
    ]
    with Session(get_engine()) as session:
        ids = session.scalars(insert(OutboxMessage).returning(OutboxMessage.id), rows).all()
        session.commit()
    return list(ids)


def _send_project(ids: list[int], in_flight: int) -> Counter[str]:
    from notifications.sending import send_one

    def one(message_id: int) -> str:
        status = send_one(message_id)
        return status.value if status else "not ours"

    with ThreadPoolExecutor(in_flight) as pool:
        return Counter(pool.map(one, ids))


def _send_sdk(work: list[tuple[str, str]], in_flight: int) -> Counter[str]:
    from dfc.settings import get_settings
    from notifications.sending import status_callback_url

    client = _sdk_client(in_flight)
    service, callback = get_settings().TWILIO_MESSAGING_SERVICE_SID, status_callback_url()

    def one(item: tuple[str, str]) -> str:
        to, body = item
        client.messages.create(
            to=to, body=body, messaging_service_sid=service, status_callback=callback
        )
        return "sent"

    with ThreadPoolExecutor(in_flight) as pool:
        return Counter(pool.map(one, work))


def _sdk_client(in_flight: int):
    """The SDK's own client and HTTP client (requests, kept alive), routed to the fake."""
    from twilio.rest import Client

    from dfc.settings import get_settings
    from notifications.channels.twilio_sms import RoutedHttpClient

    settings = get_settings()
    http = RoutedHttpClient(base_url=settings.TWILIO_API_BASE_URL, timeout=10, pool_size=in_flight)
    return Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN, http_client=http)


def worker(kind: str, work: list, in_flight: int, env: dict, start: Any, results: Any) -> None:
    """One worker process: warm up (imports, SDK client, a database connection), wait at
    the start line with the others, send its share, report what happened."""
    try:
        configure(env)
        import dfc.tables  # noqa: F401
        from dfc.db import get_engine
        from dfc.settings import get_settings
        from notifications.channels.select import sender_for
        from notifications.models import Channel

        sender_for(Channel.SMS, get_settings())
        with get_engine().connect():
            pass
        start.wait(timeout=READY_TIMEOUT)
        send = _send_project if kind == PROJECT else _send_sdk
        cpu = time.process_time()
        outcomes = dict(send(work, in_flight))
        results.put(outcomes | {CPU: time.process_time() - cpu})
    except Exception:
        results.put({"error: " + traceback.format_exc(limit=4): 1})


def run_once(kind: str, workers: int, shares: list[list], in_flight: int, env: dict):
    """Seconds from the start line until the last worker is done, and their outcomes."""
    context = multiprocessing.get_context("spawn")
    start, results = context.Barrier(workers + 1), context.Queue()
    processes = [
        context.Process(target=worker, args=(kind, share, in_flight, env, start, results))
        for share in shares
    ]
    for process in processes:
        process.start()
    start.wait(timeout=READY_TIMEOUT)
    started = time.perf_counter()
    outcomes: Counter[str] = Counter()
    for _ in processes:
        outcomes.update(results.get(timeout=3600))
    elapsed = time.perf_counter() - started
    for process in processes:
        process.join(timeout=30)
    return elapsed, outcomes


def duplicates(fake, bodies: set[str]) -> int:
    pairs = Counter(
        (r.form.get("To"), r.form.get("Body"))
        for r in fake.requests
        if r.method == "POST" and r.form.get("Body") in bodies
    )
    return sum(count - 1 for count in pairs.values() if count > 1)


def one_pair(label: str, workers: int, args, env: dict, fake, order: tuple[str, str]):
    """The project and the SDK on `messages` texts each, in `order`: {kind: msg/s}, dups,
    {kind: CPU ms a text in the sending processes}."""
    rates, dups, cpu = {}, 0, {}
    for kind in order:
        ids = make_texts(f"{label}-{kind}", args.messages)
        if kind == PROJECT:
            shares: list[list] = [ids[i::workers] for i in range(workers)]
            bodies = _bodies(ids)
        else:
            work = [(row[0], row[1]) for row in _rows(ids)]
            _mark_sent(ids)  # the SDK's texts only need their words, not the outbox
            shares = [work[i::workers] for i in range(workers)]
            bodies = {body for _, body in work}
        elapsed, outcomes = run_once(kind, workers, shares, args.in_flight, env)
        errors = [key for key in outcomes if key.startswith("error")]
        if errors:
            raise SystemExit(f"{kind} with {workers} workers stopped:\n{errors[0]}")
        rates[kind] = args.messages / elapsed
        cpu[kind] = outcomes.pop(CPU, 0) * 1000 / args.messages
        dups += duplicates(fake, bodies)
        print(
            f"  {label} {kind:7} {workers} workers: {rates[kind]:7.1f}/s, "
            f"{cpu[kind]:.2f} ms CPU a text {dict(outcomes)}",
            flush=True,
        )
    return rates, dups, cpu


def _rows(ids: list[int]) -> list[tuple[str, str]]:
    from sqlalchemy import select

    from dfc.db import get_engine
    from notifications.models import OutboxMessage

    with Session(get_engine()) as session:
        statement = select(OutboxMessage.recipient, OutboxMessage.body).where(
            OutboxMessage.id.in_(ids)
        )
        return [tuple(row) for row in session.execute(statement)]


def _bodies(ids: list[int]) -> set[str]:
    return {body for _, body in _rows(ids)}


def _mark_sent(ids: list[int]) -> None:
    from sqlalchemy import update

    from dfc.db import get_engine
    from notifications.models import MessageStatus, OutboxMessage

    with Session(get_engine()) as session:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(status=MessageStatus.CANCELLED)
        )
        session.commit()


def scaling(args, env: dict, fake) -> int:
    """Rounds of (project, SDK) pairs for each worker count, the order alternating."""
    configure(env)
    counts = [int(part) for part in args.workers_list.split(",")]
    seen: dict[int, dict[str, list[float]]] = {k: {SDK: [], PROJECT: []} for k in counts}
    ratios: dict[int, list[float]] = {k: [] for k in counts}
    cpus: dict[int, dict[str, list[float]]] = {k: {SDK: [], PROJECT: []} for k in counts}
    total_dups = 0
    load_before = os.getloadavg()
    for round_number in range(args.rounds):
        for workers in counts:
            order = (PROJECT, SDK) if (round_number + workers) % 2 else (SDK, PROJECT)
            label = f"r{round_number}w{workers}"
            rates, dups, cpu = one_pair(label, workers, args, env, fake, order)
            total_dups += dups
            for kind, ms in cpu.items():
                cpus[workers][kind].append(ms)
            for kind, rate in rates.items():
                seen[workers][kind].append(rate)
            ratios[workers].append(rates[PROJECT] / rates[SDK])
    load_after = os.getloadavg()
    rows = [
        (
            str(workers),
            n(statistics.median(seen[workers][PROJECT])),
            n(statistics.median(seen[workers][SDK])),
            f"{statistics.median(ratios[workers]):.0%}",
            " / ".join(f"{r:.0%}" for r in ratios[workers]),
            f"{statistics.median(cpus[workers][PROJECT]):.2f}",
            f"{statistics.median(cpus[workers][SDK]):.2f}",
        )
        for workers in counts
    ]
    print()
    header = (
        "workers",
        "project msg/s",
        "SDK alone msg/s",
        "ratio (median)",
        "each round",
        "project CPU ms/text",
        "SDK CPU ms/text",
    )
    print(table(header, rows))
    print(
        f"\n{args.messages:,} texts a run, {args.rounds} rounds, {args.in_flight} in flight a "
        f"process, {os.cpu_count()} CPUs; duplicates: {total_dups}"
    )
    print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min)")
    from dfc.db import get_engine

    get_engine().dispose()
    return 1 if total_dups else 0
