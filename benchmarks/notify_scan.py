"""The daily alert scan (devices.alerts.run_daily_alerts) over the national dataset, beside
its limits in the same run: the first scan's writes beside one INSERT … SELECT of the same
rows, and the next day's scan beside its queries as raw SQL (medians of interleaved
repeats). Everything happens in one transaction that is rolled back at the end, so the
dataset is left exactly as it was (a dataset still at migration 0017 gets 0018's columns
inside that transaction, and loses them with it).

    .venv/bin/python -m benchmarks.notify_scan [--database-url URL] [--today YYYY-MM-DD]
"""

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import Engine, func, inspect, select, text
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from benchmarks.database import DEFAULT_URL, check_safe, connect, read_meta
from benchmarks.notify_limits import copy_in, ensure_alert_columns, insert_select, raw_queries
from benchmarks.notify_report import Cell, CountWarnings, n, peak_memory_gb, table
from benchmarks.notify_tracker import ENQUEUE, PHASES, TOP_LEVEL, WHOLE, Tracker
from devices import alert_queries, alerts
from notifications.models import AlertPolicy, AlertRaised, OutboxMessage

NOTIFY_TABLES = ("outbox_message", "alert_raised", "alert_policy", "sms_opt_out")

# Numbers texted more than once by one run (the key is the family and the day, so only
# families sharing a number can be).
TEXTED_TWICE = """
SELECT count(*) FROM (
    SELECT 1 FROM outbox_message WHERE audience = 'family'
    GROUP BY recipient, split_part(idempotency_key, ':', 3) HAVING count(*) > 1
) AS twice
"""


@dataclass
class Run:
    cells: dict[str, Cell]
    queued: int
    ms: float
    messages: int  # outbox rows it added
    raised: int  # alert_raised rows it added


@dataclass
class Figures:
    first: Run
    limit_ms: list[float] = field(default_factory=list)
    limit_rows: int = 0
    copy_ms: list[float] = field(default_factory=list)
    texted_twice: int = 0
    by_template: list[str] = field(default_factory=list)
    same_day_again: int = 0
    next_days: list[Run] = field(default_factory=list)
    raw: list[dict[str, Cell]] = field(default_factory=list)


def count_rows(session: Session) -> tuple[int, int]:
    messages = session.scalar(select(func.count()).select_from(OutboxMessage)) or 0
    raised = session.scalar(select(func.count()).select_from(AlertRaised)) or 0
    return messages, raised


def scan(session: Session, engine: Engine, today: date) -> Run:
    before = count_rows(session)
    started = time.perf_counter()
    with Tracker(engine) as tracker:
        queued = alerts.run_daily_alerts(session, today=today)
    ms = (time.perf_counter() - started) * 1000
    after = count_rows(session)
    return Run(tracker.cells, queued, ms, after[0] - before[0], after[1] - before[1])


def policies(session: Session) -> alert_queries.Policies:
    councils = session.scalars(
        select(Organisation.id).where(Organisation.kind == OrganisationKind.COUNCIL)
    ).all()
    own = {p.council_id: p for p in session.scalars(select(AlertPolicy))}
    by_council = {c: own.get(c) or AlertPolicy(council_id=c) for c in councils}
    return alert_queries.Policies(by_council, every_council=True)


def measure(session: Session, engine: Engine, today: date, repeats: int) -> Figures:
    """Both days in the session's transaction; the caller rolls it back."""
    if ensure_alert_columns(session):
        print("alert_raised lacks migration 0018's columns: added for this run only", flush=True)
    first_id = session.scalar(select(func.coalesce(func.max(OutboxMessage.id), 0))) or 0
    print("first scan", flush=True)
    figures = Figures(scan(session, engine, today))
    print(phase_table(figures.first), flush=True)
    figures.texted_twice = session.execute(text(TEXTED_TWICE)).scalar_one()
    figures.by_template = [
        f"{template} ({status}) {count:,}"
        for template, status, count in session.execute(
            select(OutboxMessage.template, OutboxMessage.status, func.count())
            .group_by(OutboxMessage.template, OutboxMessage.status)
            .order_by(OutboxMessage.template)
        )
    ]
    for _ in range(repeats):
        ms, figures.limit_rows = insert_select(session, first_id)
        figures.limit_ms.append(ms)
        figures.copy_ms.append(copy_in(session, first_id)[0])
    figures.same_day_again = alerts.run_daily_alerts(session, today=today)
    # The next morning, as after autovacuum: the planner knows about the first day's rows.
    session.execute(text("ANALYZE alert_raised, outbox_message"))
    tomorrow, scheme = today + timedelta(days=1), policies(session)
    print(f"next day's scan and its queries as raw SQL, {repeats} times each", flush=True)
    for repeat in range(repeats):
        if repeat % 2:
            figures.raw.append(raw_queries(session, engine, scheme, tomorrow))
        savepoint = session.begin_nested()
        try:
            figures.next_days.append(scan(session, engine, tomorrow))
        finally:
            savepoint.rollback()
        if not repeat % 2:
            figures.raw.append(raw_queries(session, engine, scheme, tomorrow))
    return figures


def enqueue_cell(cells: dict[str, Cell]) -> Cell:
    return Cell(
        ms=sum(cells[label].ms for label in ENQUEUE),
        db_ms=sum(cells[label].db_ms for label in ENQUEUE),
        statements=sum(cells[label].statements for label in ENQUEUE),
        rows=sum(cells[label].rows for label in ENQUEUE),
    )


def phase_table(run: Run) -> str:
    cells = run.cells
    total = cells[WHOLE]
    queries = sorted(label for label in cells if label.startswith("q:"))
    rest = Cell(
        ms=total.ms - sum(cells[label].ms for label in TOP_LEVEL),
        db_ms=total.db_ms - sum(cells[label].db_ms for label in TOP_LEVEL),
        statements=total.statements - sum(cells[label].statements for label in TOP_LEVEL),
    )
    rows = [
        ("whole scan", total),
        *((label, cells[label]) for _m, _name, label, _count in PHASES[:2]),
        *((f"  {label[2:]}", cells[label]) for label in queries),
        *((label, cells[label]) for _m, _name, label, _count in PHASES[2:]),
        ("the rest (policies, flush)", rest),
    ]
    return table(
        ("phase", "ms", "in PostgreSQL ms", "statements", "rows/messages"),
        [(label, n(c.ms), n(c.db_ms), n(c.statements), n(c.rows)) for label, c in rows],
    )


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(figures: Figures) -> bool:
    first = figures.first
    written = enqueue_cell(first.cells)
    rate = written.rows / (written.ms / 1000) if written.ms else 0.0
    limit_ms = median(figures.limit_ms)
    limit_rate = figures.limit_rows / (limit_ms / 1000) if limit_ms else 0.0
    texts = first.cells["family texts"]
    copy_ms = median(figures.copy_ms)
    copy_rate = figures.limit_rows / (copy_ms / 1000) if copy_ms else 0.0
    print("\nFirst scan, every council (rows: councils, items, marks, messages)")
    print(phase_table(first))
    print("\n" + "; ".join(figures.by_template))
    print(
        f"queued {first.queued:,}; outbox rows {first.messages:,}; alert_raised rows"
        f" {first.raised:,}; numbers texted twice {figures.texted_twice:,};"
        f" the same day again queued {figures.same_day_again:,}"
    )
    print("\nFirst scan's writes beside one INSERT … SELECT of the same rows")
    print(
        table(
            ("", "rows", "ms", "rows a second", "of the limit"),
            [
                (
                    "enqueue_many (render, opt-outs, insert)",
                    n(written.rows),
                    n(written.ms),
                    n(rate),
                    f"{rate / limit_rate:.0%}" if limit_rate else "-",
                ),
                (
                    "family texts whole (look-ups, choose, enqueue)",
                    n(texts.rows),
                    n(texts.ms),
                    n(texts.rows / (texts.ms / 1000)) if texts.ms else "-",
                    f"{texts.rows / (texts.ms / 1000) / limit_rate:.0%}"
                    if texts.ms and limit_rate
                    else "-",
                ),
                (
                    f"INSERT … SELECT, median of {len(figures.limit_ms)}",
                    n(figures.limit_rows),
                    n(limit_ms),
                    n(limit_rate),
                    "100%",
                ),
                (
                    f"COPY from this process, median of {len(figures.copy_ms)}",
                    n(figures.limit_rows),
                    n(copy_ms),
                    n(copy_rate),
                    f"{copy_rate / limit_rate:.0%}" if limit_rate else "-",
                ),
            ],
        )
    )
    if copy_rate:
        print(f"enqueue_many beside COPY of the same rows: {rate / copy_rate:.0%}")
    days = figures.next_days
    scan_ms = median([run.ms for run in days])
    kinds = sorted({kind for raw in figures.raw for kind in raw})
    raw_ms = median([sum(c.ms for c in raw.values()) for raw in figures.raw])
    print(f"\nNext day's scan beside its queries as raw SQL (medians of {len(days)})")
    rows = [
        (
            kind,
            n(figures.raw[0][kind].rows),
            n(median([raw[kind].ms for raw in figures.raw])),
            n(median([run.cells[f"q:{kind}"].ms for run in days])),
        )
        for kind in kinds
    ]
    rows.append(
        ("all queries", "", n(raw_ms), n(median([run.cells[PHASES[1][2]].ms for run in days])))
    )
    rows.append(("whole scan", n(days[0].queued) + " queued", n(raw_ms), n(scan_ms)))
    print(table(("", "rows", "raw SQL ms", "scan ms"), rows))
    ratio = scan_ms / raw_ms if raw_ms else 0.0
    print(f"whole next-day scan / raw SQL: {ratio:.2f} times (goal: at most 1.5, under 60 s)")
    print("\nOne next-day scan, phase by phase")
    print(phase_table(days[len(days) // 2]))
    return figures.same_day_again == 0


def main(argv: Sequence[str] | None = None) -> int:
    import support.contacts  # noqa: F401 (as in the worker: texts name the family's contact)
    from dfc import migrate
    from dfc.db import build_engine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--today", type=date.fromisoformat, help="default: the dataset's own")
    parser.add_argument("--repeats", type=int, default=3, help="of each limit and next day")
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
    with Session(engine) as session:
        try:
            figures = measure(session, engine, today, args.repeats)
        finally:
            session.rollback()
    with connect(url) as check:
        # The planner's figures back to the (empty) tables as they are.
        check.execute("ANALYZE alert_raised, outbox_message")
        left = {t: check.execute(f"SELECT count(*) FROM {t}").fetchone() for t in NOTIFY_TABLES}  # noqa: S608
    engine.dispose()
    ok = report(figures)
    print(
        "\nafter the rollback: " + ", ".join(f"{t} {r[0] if r else '?'}" for t, r in left.items())
    )
    print(f"warnings from notifications: {warnings.summary()}")
    print(f"peak memory of this process: {peak_memory_gb():.1f} GB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
