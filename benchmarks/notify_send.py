"""Sends N texts through the real Twilio SDK to the local fake Twilio server, with K senders
calling notifications.sending.send_one at once, from a throwaway PostgreSQL database; then
counts what arrived: messages a second, requests, duplicates, messages sent twice.

    .venv/bin/python -m benchmarks.notify_send [--messages 100000] [--workers 4]
        [--mode processes|threads] [--redeliver 0.1] [--keep] [--database-url URL]
    .venv/bin/python -m benchmarks.notify_send --scaling [--messages 5000] [--rounds 3]
        [--workers-list 1,2,4] [--in-flight 8] [--redis redis://127.0.0.1:6379/11]

`--scaling` compares the send path with 1, 2 and 4 worker processes against the SDK alone
in the same run (benchmarks/notify_scaling.py).

The database (default dfc_notify_bench) is created, brought to head and dropped at the end
(kept with --keep). `--redeliver 0.1` hands one message in ten to a second sender at about
the same moment, as a broker redelivery or the outbox sweep would: the claim must stop it
being sent twice.
"""

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlmodel import Session

from benchmarks.database import check_safe, drop_database, ensure_database
from benchmarks.notify_report import CountWarnings, n, peak_memory_gb, table
from benchmarks.notify_scaling import scaling
from benchmarks.notify_sending import Plan, configure, plan_deliveries, send_all
from tests.fakes.twilio_server import FakeTwilio

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dfc_notify_bench"
ACCOUNT_SID, SERVICE_SID, AUTH_TOKEN = "AC" + "0" * 32, "MG" + "0" * 32, "bench-auth-token"
REPEATS, BATCH = 1_000, 1_000
LANGUAGES = ("en", "en", "pl", "ro", "ar", "ur", "so")  # roughly the dataset's mix
REPEAT_MARK = "(repeated key)"


def environment(database_url: str, fake_url: str, var_dir: str) -> dict[str, str]:
    """Twilio pointed at the fake server, no quiet hours, our database; anything handed to
    Celery by mistake lands in a temporary folder, not var/."""
    return {
        "DATABASE_URL": database_url,
        "VAR_DIR": var_dir,
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_MESSAGING_SERVICE_SID": SERVICE_SID,
        "TWILIO_FROM_NUMBER": "",
        "TWILIO_API_BASE_URL": fake_url,
        "QUIET_HOURS_START": "0",
        "QUIET_HOURS_END": "0",
    }


def phone(i: int) -> str:
    return f"+447700900{i % 1000:03d}"  # Ofcom's drama range: 1,000 numbers, shared


def enqueue_all(total: int, repeats: int) -> tuple[float, int, int]:
    """N messages with distinct keys, plus `repeats` keys enqueued again (with other text)
    half a batch later: in the same transaction or after its commit. Batches of 1,000, each
    committed. Returns seconds, messages made, repeats that came back as another message."""
    from dfc.db import get_engine
    from notifications.dispatch import PENDING_KEY
    from notifications.models import Channel
    from notifications.outbox import Recipient, enqueue

    repeat_after: dict[int, list[int]] = {}
    for j in range(min(repeats, total)):
        key_index = j * total // min(repeats, total)
        repeat_after.setdefault(min(key_index + BATCH // 2, total - 1), []).append(key_index)
    first_ids: dict[int, int] = {}
    wrong, made = 0, 0
    started = time.perf_counter()
    with Session(get_engine()) as session:

        def put(i: int, mark: str = "") -> int:
            recipient = Recipient(Channel.SMS, phone(i), LANGUAGES[i % len(LANGUAGES)])
            context = {"date": date(2026, 12, 31), "contact": f"school {i:07d}{mark}"}
            message = enqueue(
                session,
                key=f"bench:{i:07d}",
                recipient=recipient,
                template="support-ending",
                context=context,
            )
            return int(message.id or 0)

        for start in range(0, total, BATCH):
            for i in range(start, min(start + BATCH, total)):
                first_ids[i] = put(i)
                made += 1
                for key_index in repeat_after.get(i, []):
                    wrong += put(key_index, REPEAT_MARK) != first_ids[key_index]
            session.info.pop(PENDING_KEY, None)  # we send them ourselves, not through Celery
            session.commit()
            session.expunge_all()
    return time.perf_counter() - started, made, wrong


def count_results(plan: Plan, fake: FakeTwilio) -> list[tuple[str, str]]:
    """What the database and the fake server say happened."""
    from dfc.db import get_engine
    from notifications.models import OutboxMessage

    with Session(get_engine()) as session:
        statuses = dict(
            session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        rows = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
        claimed_twice = session.scalar(select(func.count()).where(OutboxMessage.attempts > 1))
        provider_ids = session.scalar(select(func.count(OutboxMessage.provider_id.distinct())))
        by_body = dict(session.execute(select(OutboxMessage.body, OutboxMessage.id)).all())
        repeat_rows = session.scalar(
            select(func.count()).where(OutboxMessage.body.contains(REPEAT_MARK))
        )
    requests = fake.requests
    pairs = Counter((r.form.get("To"), r.form.get("Body")) for r in requests)
    per_id = Counter(by_body.get(r.form.get("Body", "")) for r in requests)
    return [
        ("outbox rows (repeats must add none)", n(rows)),
        ("outbox rows with a repeated key's text", n(repeat_rows or 0)),
        *((f"rows {status.value}", n(count)) for status, count in sorted(statuses.items())),
        ("distinct Twilio SIDs stored", n(provider_ids or 0)),
        ("requests the fake server received", n(len(requests))),
        (
            "  of which authenticated as our account",
            n(sum(r.basic_auth == (ACCOUNT_SID, AUTH_TOKEN) for r in requests)),
        ),
        ("  of which for no outbox row", n(per_id.get(None, 0))),
        ("duplicate To+Body pairs (intended: 0)", n(sum(c - 1 for c in pairs.values() if c > 1))),
        ("messages sent twice (same id)", n(sum(1 for c in per_id.values() if c > 1))),
        ("messages claimed more than once", n(claimed_twice or 0)),
        ("deliveries handed out", n(plan.deliveries)),
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=REPEATS, help="keys enqueued twice")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--mode", choices=("processes", "threads"), default="processes")
    parser.add_argument("--redeliver", type=float, default=0.1, help="share handed out twice")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--scaling", action="store_true", help="1, 2, 4 workers beside the SDK")
    parser.add_argument("--workers-list", default="1,2,4", help="with --scaling")
    parser.add_argument("--rounds", type=int, default=3, help="with --scaling")
    parser.add_argument("--in-flight", type=int, default=8, help="sends at once a process")
    parser.add_argument("--per-second", default="10000", help="SMS_PER_SECOND for the run")
    parser.add_argument("--redis", default="", help="a Redis broker (the shared rate limit)")
    args = parser.parse_args(argv)
    if args.scaling and args.messages == parser.get_default("messages"):
        args.messages = 5_000
    url = args.database_url
    check_safe(url)
    if "notify" not in (make_url(url).database or ""):
        raise SystemExit("use a database of its own, named with 'notify' and 'bench'")
    from dfc import migrate
    from dfc.db import get_engine

    warnings = CountWarnings().attach("notifications")
    drop_database(url)  # a fresh database each time, even after --keep
    ensure_database(url)
    migrate.upgrade(url)
    cpus = os.cpu_count()
    print(f"{args.messages:,} messages, {args.workers} {args.mode}, {cpus} CPUs", flush=True)
    try:
        with FakeTwilio(auth_token=AUTH_TOKEN) as fake, tempfile.TemporaryDirectory() as var:
            env = environment(url, fake.url, var)
            env |= {"SMS_PER_SECOND": args.per_second, "TEXT_SENDS_IN_FLIGHT": str(args.in_flight)}
            if args.redis:
                env["CELERY_BROKER_URL"] = args.redis
            if args.scaling:
                return scaling(args, env, fake)
            configure(env)
            enqueue_s, made, wrong = enqueue_all(args.messages, args.repeats)
            print(f"enqueued {made:,} in {enqueue_s:,.1f} s; sending", flush=True)
            plan = plan_deliveries(args.workers, args.redeliver)
            send_s, outcomes = send_all(plan, env, mode=args.mode)
            results = count_results(plan, fake)
            get_engine().dispose()
    finally:
        if not args.keep:
            drop_database(url)
    rate_rows = [
        ("enqueue", f"{enqueue_s:,.1f}", n(made), n(made / enqueue_s)),
        ("send", f"{send_s:,.1f}", n(args.messages), n(args.messages / send_s)),
        ("enqueue and send", f"{enqueue_s + send_s:,.1f}", n(made), n(made / (enqueue_s + send_s))),
    ]
    print()
    print(table(("phase", "s", "messages", "messages/s"), rate_rows))
    print()
    errors = {k: v for k, v in outcomes.items() if k.startswith("error")}
    outcome_rows = [
        (f"send_one returned {k}", n(v)) for k, v in sorted(outcomes.items()) if k not in errors
    ]
    outcome_rows.append(("senders that stopped on an error", n(sum(errors.values()))))
    print(
        table(
            ("count", "value"),
            [*results, *outcome_rows, ("repeats that made another message", n(wrong))],
        )
    )
    for error in errors:
        print(f"\n{error}")
    print(f"\nwarnings from notifications: {warnings.summary()}")
    print(f"peak memory of the main process: {peak_memory_gb():.1f} GB")
    return 1 if errors else 0


if __name__ == "__main__":
    multiprocessing.set_start_method("spawn")
    sys.exit(main())
