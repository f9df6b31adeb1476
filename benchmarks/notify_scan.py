"""The daily alert scan (devices.alerts.run_daily_alerts) over the national dataset,
phase by phase, beside the raw SQL of the same register queries; then the scan again, which
must queue nothing. Everything happens in one transaction that is rolled back at the end, so
the dataset is left exactly as it was.

    .venv/bin/python -m benchmarks.notify_scan [--database-url URL] [--today YYYY-MM-DD]
"""

import argparse
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, func, inspect, select, text
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from benchmarks.database import DEFAULT_URL, check_safe, connect, read_meta
from benchmarks.explain import literal_sql
from benchmarks.notify_report import Cell, CountWarnings, n, peak_memory_gb, table
from benchmarks.notify_tracker import PHASES, TOP_LEVEL, Tracker, query_label
from devices import alerts, queries
from dfc.caller import Caller
from notifications.models import AlertPolicy, AlertRaised, OutboxMessage

NOTIFY_TABLES = ("outbox_message", "alert_raised", "alert_policy", "sms_opt_out")


def scan_statements(caller: Caller, policy: AlertPolicy, today: date) -> list[tuple[str, Any]]:
    """The register queries due_items runs for one council, labelled as the Tracker does."""
    levels = alerts.thresholds
    calls: list[tuple[str, dict[str, Any]]] = [
        ("cover_ending", {"within_days": max(levels(policy.cover_days)), "today": today}),
        ("unsupported", {"today": today}),
        ("licences_ending", {"within_days": max(levels(policy.licence_days)), "today": today}),
        (
            "dongle_contracts_ending",
            {"within_days": max(levels(policy.connectivity_days)), "today": today},
        ),
        *(
            ("sims_over_allowance", {"percent": percent, "today": today})
            for percent in sorted(levels(policy.data_percents), reverse=True)
        ),
    ]
    return [(query_label(name, kw), getattr(queries, name)(caller, **kw)) for name, kw in calls]


def council_jobs(engine: Engine, today: date) -> list[tuple[str, Any]]:
    """(label, statement) for every council, with each council's policy (or the default)."""
    with Session(engine) as session:
        councils = session.scalars(
            select(Organisation).where(Organisation.kind == OrganisationKind.COUNCIL)
        ).all()
        policies = {p.council_id: p for p in session.scalars(select(AlertPolicy))}
        return [
            job
            for council in councils
            for job in scan_statements(
                alerts.council_caller(council),
                policies.get(council.id) or AlertPolicy(council_id=council.id),
                today,
            )
        ]


def time_raw(engine: Engine, url: str, jobs: list[tuple[str, Any]]) -> dict[str, Cell]:
    """Each statement compiled with its values written in, run by psycopg, every row fetched."""
    cells: dict[str, Cell] = defaultdict(Cell)
    texts = [(label, literal_sql(engine, statement)) for label, statement in jobs]
    with connect(url) as connection, connection.cursor() as cursor:
        for label, text in texts:
            started = time.perf_counter()
            cursor.execute(text.encode())
            rows = cursor.fetchall()
            cells[label].ms += (time.perf_counter() - started) * 1000
            cells[label].rows += len(rows)
            cells[label].statements += 1
    return cells


def time_orm(engine: Engine, jobs: list[tuple[str, Any]]) -> dict[str, Cell]:
    """The same statements through a SQLAlchemy session, as due_items runs them."""
    cells: dict[str, Cell] = defaultdict(Cell)
    with Session(engine) as session:
        for label, statement in jobs:
            started = time.perf_counter()
            rows = session.execute(statement).all()
            cells[label].ms += (time.perf_counter() - started) * 1000
            cells[label].rows += len(rows)
    return cells


# Families texted more than once by one run of the scan about the same kind of event for the
# same device or SIM (e.g. "80% of your data used" and "all used", both today).
TEXTED_TWICE = """
SELECT count(*) FROM (
    SELECT 1 FROM outbox_message WHERE audience = 'family'
    GROUP BY split_part(idempotency_key, ':', 1), split_part(idempotency_key, ':', 2),
        substring(idempotency_key FROM 'family-[0-9]+$')
    HAVING count(*) > 1
) AS twice
"""


@dataclass
class ScanResult:
    cells: dict[str, Cell]
    queued: int  # what the first run returned
    messages: int  # outbox rows after it
    raised: int  # alert_raised rows after it
    texted_twice: int
    by_template: list[str]
    second: int  # what the second run returned
    second_ms: float
    new_messages: int  # outbox rows the second run added
    new_raised: int


def count_rows(session: Session) -> tuple[int, int]:
    messages = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    raised = session.scalar(select(func.count()).select_from(AlertRaised)) or 0
    return messages, raised


def scan_twice(engine: Engine, today: date) -> ScanResult:
    """Both runs in one transaction, rolled back whatever happens."""
    with Session(engine) as session:
        try:
            with Tracker(engine) as tracker:
                queued = alerts.run_daily_alerts(session, today=today)
            messages, raised = count_rows(session)
            twice = session.execute(text(TEXTED_TWICE)).scalar_one()
            by_template = [
                f"{template} ({status}) {count:,}"
                for template, status, count in session.execute(
                    select(OutboxMessage.template, OutboxMessage.status, func.count())
                    .group_by(OutboxMessage.template, OutboxMessage.status)
                    .order_by(OutboxMessage.template)
                )
            ]
            started = time.perf_counter()
            second = alerts.run_daily_alerts(session, today=today)
            second_ms = (time.perf_counter() - started) * 1000
            messages_after, raised_after = count_rows(session)
        finally:
            session.rollback()
    return ScanResult(
        tracker.cells,
        queued,
        messages,
        raised,
        twice,
        by_template,
        second,
        second_ms,
        messages_after - messages,
        raised_after - raised,
    )


def phase_table(result: ScanResult) -> str:
    cells = result.cells
    total = cells["run_daily_alerts"]
    rest = Cell(
        ms=total.ms - sum(cells[name].ms for name in TOP_LEVEL),
        db_ms=total.db_ms - sum(cells[name].db_ms for name in TOP_LEVEL),
        statements=total.statements - sum(cells[name].statements for name in TOP_LEVEL),
        rows=result.raised,
    )
    rows = [
        ("scan, first run (total)", total),
        *((label, cells[name]) for name, label, _count in PHASES),
        ("alert_raised rows, holders, flush (rest)", rest),
    ]
    return table(
        ("phase", "ms", "in PostgreSQL ms", "statements", "rows/messages"),
        [(label, n(c.ms), n(c.db_ms), n(c.statements), n(c.rows)) for label, c in rows]
        + [("scan, second run (total)", n(result.second_ms), "", "", n(result.second))],
    )


def query_table(raw: dict[str, Cell], orm: dict[str, Cell], cells: dict[str, Cell]) -> str:
    scan = {label: cells[f"q:{label}"] for label in raw}
    rows = [
        (label, n(raw[label].rows), n(raw[label].ms), n(orm[label].ms), n(c.ms), n(c.db_ms))
        for label, c in scan.items()
    ]
    rows.append(
        (
            "all",
            *(
                n(sum(getattr(c, a) for c in d.values()))
                for d, a in ((raw, "rows"), (raw, "ms"), (orm, "ms"), (scan, "ms"), (scan, "db_ms"))
            ),
        )
    )
    header = ("query", "rows", "raw psycopg", "SQLAlchemy", "in scan", "scan in PG")
    return table(header, rows)


def main(argv: Sequence[str] | None = None) -> int:
    from dfc import migrate
    from dfc.db import build_engine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--today", type=date.fromisoformat, help="default: the dataset's own")
    parser.add_argument("--no-warm-up", action="store_true", help="skip the untimed first pass")
    args = parser.parse_args(argv)
    url = args.database_url
    check_safe(url)  # never the test suite's database
    meta = read_meta(url)
    today = args.today or (meta[1] if meta else date.today())
    engine = build_engine(url)
    if not all(inspect(engine).has_table(name) for name in NOTIFY_TABLES):
        print("bringing the database to head (adds the notification tables)", flush=True)
        migrate.upgrade(url)
    warnings = CountWarnings().attach("notifications")
    print(f"dataset: scale {meta[0] if meta else '?'}, reference day {today}", flush=True)

    jobs = council_jobs(engine, today)
    councils = sum(1 for label, _ in jobs if label == "unsupported")
    if not args.no_warm_up:
        time_raw(engine, url, jobs)
    raw, orm = time_raw(engine, url, jobs), time_orm(engine, jobs)
    print(f"raw SQL and SQLAlchemy timed over {councils} councils; scanning", flush=True)
    result = scan_twice(engine, today)
    with connect(url) as check:
        left = {t: check.execute(f"SELECT count(*) FROM {t}").fetchone() for t in NOTIFY_TABLES}  # noqa: S608
    engine.dispose()

    print(f"\nThe scan over {councils} councils (rows: items, keys, families or messages)")
    print(phase_table(result))
    print("\nThe register queries, summed over all councils (ms)")
    print(query_table(raw, orm, result.cells))
    print("\nfirst run: " + "; ".join(result.by_template))
    print(
        f"first run returned {result.queued:,}; outbox rows {result.messages:,};"
        f" alert_raised rows {result.raised:,};"
        f" families texted twice about one item {result.texted_twice:,}"
    )
    print(
        f"second run returned {result.second:,}; outbox rows it added {result.new_messages:,};"
        f" alert_raised rows it added {result.new_raised:,}"
    )
    print("after the rollback: " + ", ".join(f"{t} {r[0] if r else '?'}" for t, r in left.items()))
    print(f"warnings from notifications: {warnings.summary()}")
    print(f"peak memory of this process: {peak_memory_gb():.1f} GB")
    return 0 if result.new_messages == 0 and result.second == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
