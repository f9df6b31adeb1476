"""Reconciliation at national scale: a 200,000-row Google Admin export and an Intune export
imported through the import job (queued, then run by the worker's code), each beside its
limit measured in the same run (COPY of exactly the rows the import wrote), the same file
imported again (nothing changes), then each management report, scheme-wide and for the
largest council, beside its SQL run raw and the server's own time.

    .venv/bin/python -m benchmarks.reconciliation [--database-url URL] [--rows 200000] [--runs 3]

Everything happens in one transaction that is rolled back at the end: `dfc_bench` predates
device management, so its tables are created in it, with a scheme admin to upload as. The
tables the runs wrote to are vacuumed afterwards (autovacuum may be off on the server).
"""

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlmodel import Session

from benchmarks.database import DEFAULT_URL, read_meta
from benchmarks.explain import literal_sql, summarise
from benchmarks.manifest import vacuum
from benchmarks.manifest_limit import Written, copy_written, inserted, largest_ids, read_written
from benchmarks.reconciliation_exports import Export, build_export
from benchmarks.scenarios import Scope, Timing, pick_scopes
from dfc.caller import Caller

WRITTEN_TABLES = ("device_event", "import_job", "staff_user")  # outlive the rollback's tables


def create_tables(connection: Connection) -> None:
    """The management tables, as migration 0020 makes them, inside the transaction."""
    from devices.models import DeviceManagement, EndOfUpdates, UnmatchedManagedDevice
    from dfc.tables import metadata

    models = (DeviceManagement, UnmatchedManagedDevice, EndOfUpdates)
    metadata.create_all(connection, tables=[m.__table__ for m in models])  # type: ignore[attr-defined]


def uploader(connection: Connection, scheme: Caller) -> Caller:
    """A scheme admin to upload the exports as (the worker re-reads them from the job)."""
    from accounts.models import Organisation, User

    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        user = User(
            email="reconciliation.bench@example.invalid",
            full_name="Reconciliation benchmark",
            role=scheme.role,
            organisation_id=scheme.organisation_id,
            password_hash="!",  # noqa: S106 (no hash matches it: nobody signs in as it)
        )
        session.add(user)
        session.commit()
        organisation = session.get_one(Organisation, scheme.organisation_id)
        return Caller.for_user(user, organisation)


def _queue(connection: Connection, caller: Caller, export: Export) -> int:
    """The upload: the file stored in a queued job, as the API does before queueing it."""
    from devices.imports.jobs import create_job
    from devices.models import ImportKind

    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        job = create_job(
            session,
            caller=caller,
            kind=ImportKind(export.manager),
            filename=export.filename,
            data=export.data,
            rows=export.rows,
        )
        session.commit()
        return job.id or 0


def _run(connection: Connection, job_id: int) -> tuple[float, dict[str, Any]]:
    """Seconds for the worker's run of the job, and the job's summary (or its problems)."""
    from devices.imports.jobs import run_job
    from devices.models import ImportJob, ImportStatus

    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        started = time.perf_counter()
        run_job(session, job_id=job_id)
        taken = time.perf_counter() - started
        job = session.get_one(ImportJob, job_id)
        if job.status is not ImportStatus.SUCCEEDED:
            raise RuntimeError(f"the import failed: {json.dumps(job.problems[:3])}")
        return taken, dict(job.summary or {})


def time_import(
    connection: Connection, caller: Caller, export: Export, later: Export, *, runs: int
) -> list[Timing]:
    """The import (median of `runs`, each in a savepoint rolled back), then on top of the
    first the same file again and the next week's export (every check-in newer), and COPY
    of the rows the first run wrote, interleaved with the imports."""
    imports: list[float] = []
    again: list[float] = []
    week: list[float] = []
    copies: list[float] = []
    week_summary: dict[str, Any] = {}
    written, summary = Written(), {}
    for number in range(runs):
        savepoint = connection.begin_nested()
        job_id = _queue(connection, caller, export)
        ids_from, before = largest_ids(connection), inserted(connection)
        taken, summary = _run(connection, job_id)
        imports.append(taken)
        if number == 0:
            counts = inserted(connection)
            written = read_written(connection, before=before, counts=counts, ids_from=ids_from)
            again_taken, again_summary = _run(connection, _queue(connection, caller, export))
            again.append(again_taken)
            if again_summary["added"] or again_summary["updated"]:
                raise RuntimeError(f"importing the same file again changed {again_summary}")
            week_taken, week_summary = _run(connection, _queue(connection, caller, later))
            week.append(week_taken)
        savepoint.rollback()
        savepoint = connection.begin_nested()
        copies.append(copy_written(connection, written))
        savepoint.rollback()
    rows, scope = f"{export.rows:,} rows", f"scheme {caller.organisation_id}"
    ratio = statistics.median(imports) / statistics.median(copies)
    changed = _changes(summary)
    return [
        Timing(
            f"{export.manager} import {rows}", scope, export.rows, _ms(imports), len(imports),
            note=f"{ratio:.1f}x its COPY; {changed}; runs {_seconds(imports)}",
        ),
        Timing(
            "  the same file again", scope, export.rows, _ms(again), len(again),
            note=f"nothing changes; {_ms(again) / _ms(imports):.2f}x the first import",
        ),
        Timing(
            "  a week later, on top", scope, later.rows, _ms(week), len(week),
            note=f"{_changes(week_summary)}; {_ms(week) / _ms(imports):.2f}x the first import",
        ),
        Timing(
            "  COPY of the rows it wrote", scope, written.total(), _ms(copies), len(copies),
            note=f"{written.describe()}; runs {_seconds(copies)}",
        ),
    ]  # fmt: skip


def _changes(summary: dict[str, Any]) -> str:
    return ", ".join(f"{key} {value:,}" for key, value in summary.items() if value)


def _ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000


def _seconds(seconds: list[float]) -> str:
    return ", ".join(f"{s:.1f}" for s in seconds) + " s"


def _median_of(runs: int, work: Callable[[], int]) -> tuple[int, float]:
    samples, rows = [], 0
    for _ in range(max(1, runs)):
        started = time.perf_counter()
        rows = work()
        samples.append((time.perf_counter() - started) * 1000)
    return rows, statistics.median(samples)


def time_reports(
    connection: Connection, scopes: list[Scope], *, today: date, runs: int
) -> list[Timing]:
    """Each report read whole (as its CSV export reads it) through a session, beside the
    same SQL run raw on the driver and EXPLAIN ANALYZE's server time."""
    from devices.management_queries import REPORTS

    timings = []
    engine = connection.engine
    for slug, report in REPORTS.items():
        for scope in scopes:
            statement = report.query(scope.caller, today=today)
            raw = literal_sql(engine, statement)

            def through_session(statement=statement) -> int:
                with Session(bind=connection, join_transaction_mode="create_savepoint") as s:
                    return len(s.execute(statement).all())

            rows, app_ms = _median_of(runs, through_session)
            _, raw_ms = _median_of(runs, lambda raw=raw: len(connection.exec_driver_sql(raw).all()))
            plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + raw)
            document = plan.scalar_one()
            summary = summarise(json.loads(document) if isinstance(document, str) else document)
            timings.append(
                Timing(
                    slug, f"{scope.label} {scope.caller.organisation_id}", rows, app_ms, runs,
                    server_ms=summary.server_ms,
                    note=f"raw SQL {raw_ms:,.1f} ms ({app_ms / max(raw_ms, 0.001):.1f}x);"
                    f" {summary.line}",
                )
            )  # fmt: skip
    return timings


def run(engine: Engine, *, today: date, rows: int = 200_000, runs: int = 3) -> list[Timing]:
    """Every figure, in one transaction rolled back; the written tables vacuumed after."""
    scopes, _serial = pick_scopes(engine)
    scopes = scopes[:2]  # scheme-wide and the largest council
    timings: list[Timing] = []
    try:
        with engine.connect() as connection:
            outer = connection.begin()
            try:
                create_tables(connection)
                caller = uploader(connection, scopes[0].caller)
                exports = []
                for manager in ("google-admin", "intune"):
                    export = build_export(connection, manager=manager, rows=rows, today=today)
                    later = build_export(
                        connection, manager=manager, rows=rows, today=today + timedelta(days=7)
                    )
                    print(f"{export.manager}: {export.describe()}", flush=True)
                    timings += time_import(connection, caller, export, later, runs=runs)
                    exports.append(export)
                for export in exports:  # kept for the reports, until the rollback
                    _run(connection, _queue(connection, caller, export))
                connection.execute(text("ANALYZE device_management, unmatched_managed_device"))
                timings += time_reports(connection, scopes, today=today, runs=runs)
            finally:
                outer.rollback()
    finally:
        vacuum(engine, list(WRITTEN_TABLES))
    return timings


def main(argv: Sequence[str] | None = None) -> int:
    from benchmarks.run import format_table
    from dfc.db import build_engine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each, median reported")
    args = parser.parse_args(argv)
    meta = read_meta(args.database_url)
    today = meta[1] if meta else date.today()
    print(f"dataset: scale {meta[0] if meta else '?'}, reference day {today}", flush=True)
    engine = build_engine(args.database_url)
    try:
        timings = run(engine, today=today, rows=args.rows, runs=args.runs)
    finally:
        engine.dispose()
    print(format_table(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
