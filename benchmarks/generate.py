"""Builds the national-scale dataset in a PostgreSQL database of its own.

    .venv/bin/python -m benchmarks.generate [--scale 1.0] [--database-url URL]

The database (default dfc_bench) is created if missing and emptied first; the test suite's
database is refused. Migrations make the schema; rows go in by COPY and INSERT ... SELECT
with indexes and constraints set aside, which are then rebuilt (so they are checked).
"""

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import psycopg
from psycopg import sql

from benchmarks import load_connectivity, load_register, schema
from benchmarks.database import DEFAULT_URL, check_safe, connect, ensure_database, write_meta
from benchmarks.dataset import FIRST_RECEIPT, Sizes, build_plan

Report = Callable[[str], None]


@dataclass
class TableTimes:
    """Rows and seconds per table: loading, then rebuilding its indexes and constraints."""

    rows: dict[str, int] = field(default_factory=dict)
    load: dict[str, float] = field(default_factory=dict)
    index: dict[str, float] = field(default_factory=dict)

    def add_load(self, table: str, rows: int, seconds: float) -> None:
        self.rows[table] = self.rows.get(table, 0) + rows
        self.load[table] = self.load.get(table, 0.0) + seconds

    def lines(self) -> list[str]:
        tables = sorted(self.rows, key=lambda t: -self.load[t] - self.index.get(t, 0.0))
        lines = [f"{'table':<20} {'rows':>12} {'load s':>8} {'index s':>8}"]
        for table in tables:
            lines.append(
                f"{table:<20} {self.rows[table]:>12,} {self.load[table]:>8.1f}"
                f" {self.index.get(table, 0.0):>8.1f}"
            )
        return lines


def reset_schema(url: str) -> None:
    """An empty `public` schema brought to head by the migrations."""
    from dfc import migrate

    with connect(url) as connection:
        connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        connection.execute("CREATE SCHEMA public")
    migrate.upgrade(url)


def _tune(connection: psycopg.Connection) -> None:
    """Session settings for a bulk load (nothing is changed on the server)."""
    for setting in (
        "SET synchronous_commit = off",
        "SET maintenance_work_mem = '1GB'",
        "SET work_mem = '256MB'",
        "SET max_parallel_maintenance_workers = 2",
    ):
        connection.execute(setting)


def _params(connection: psycopg.Connection, today: date) -> dict[str, Any]:
    def largest(table: str) -> int:
        query = sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(table))
        row = connection.execute(query).fetchone()
        return int(row[0]) if row else 0

    return {
        "today": today,
        "start": FIRST_RECEIPT,
        "span": max(1, (today - FIRST_RECEIPT).days - 1),
        "devices": largest("device"),
        "dongles": largest("dongle"),
    }


def _run_steps(
    connection: psycopg.Connection,
    steps: Sequence[tuple[str, str]],
    today: date,
    times: TableTimes,
    report: Report,
) -> None:
    for table, statement in steps:
        started = time.perf_counter()
        cursor = connection.execute(statement, _params(connection, today))
        elapsed = time.perf_counter() - started
        times.add_load(table, max(cursor.rowcount, 0), elapsed)
        report(f"  {table:<20} {max(cursor.rowcount, 0):>12,} rows {elapsed:>7.1f} s")


def generate(
    url: str = DEFAULT_URL,
    *,
    scale: float = 1.0,
    today: date | None = None,
    seed: int = 2020,
    report: Report = print,
) -> TableTimes:
    """Empties the database at `url`, migrates it and fills it at `scale`; returns timings."""
    check_safe(url)
    today = today or date.today()
    sizes = Sizes.at(scale)
    began = time.perf_counter()
    if ensure_database(url):
        report(f"created database {url.rsplit('/', 1)[-1]}")
    reset_schema(url)
    report(f"schema at head ({time.perf_counter() - began:.1f} s); sizes: {sizes}")
    plan = build_plan(sizes, seed)
    times = TableTimes()
    with connect(url) as connection:
        _tune(connection)
        deferred = schema.set_aside(connection)
        load_register.create_helpers(connection, plan, seed)
        started = time.perf_counter()
        rows = load_register.copy_organisations(connection, plan)
        times.add_load("organisation", rows, time.perf_counter() - started)
        report(f"  {'organisation':<20} {rows:>12,} rows (COPY)")
        _run_steps(connection, load_register.STEPS, today, times, report)
        _run_steps(connection, load_connectivity.STEPS, today, times, report)
        report("rebuilding indexes and constraints")
        for table in sorted({d.table for d in deferred} | set(times.rows)):
            started = time.perf_counter()
            count = schema.restore(connection, deferred, table)
            times.index[table] = time.perf_counter() - started
            if count:
                report(f"  {table:<20} {count:>3} rebuilt {times.index[table]:>7.1f} s")
        schema.reset_sequences(connection, sorted(times.rows))
        started = time.perf_counter()
        connection.execute("VACUUM (ANALYZE)")
        report(f"VACUUM (ANALYZE) {time.perf_counter() - started:.1f} s")
        write_meta(connection, url, scale=scale, today=today)
    report("\n".join(times.lines()))
    report(f"total {time.perf_counter() - began:.1f} s")
    return times


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--scale", type=float, default=1.0, help="times the national counts")
    parser.add_argument("--today", type=date.fromisoformat, help="reference day (YYYY-MM-DD)")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)
    generate(args.database_url, scale=args.scale, today=args.today, seed=args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
