"""Times the register's set-based queries, the look-up by serial number and the bulk
manifest import on the dataset benchmarks.generate made.

    .venv/bin/python -m benchmarks.run [--database-url URL] [--runs 5] [--import-rows 100000]
                                       [--set random_page_cost=1.1 ...]
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time

from sqlalchemy import Engine, event

from benchmarks.database import DEFAULT_URL, read_meta
from benchmarks.explain import explain
from benchmarks.manifest import time_manifest_import
from benchmarks.scenarios import Build, Timing, pick_scopes, time_queries, time_statement

HEADER = ("scenario", "scope", "rows", "median ms", "server ms", "plan / note")


def format_row(timing: Timing) -> tuple[str, ...]:
    server = f"{timing.server_ms:,.1f}" if timing.server_ms is not None else "-"
    return (
        timing.scenario,
        timing.scope,
        f"{timing.rows:,}",
        f"{timing.median_ms:,.1f}" if timing.runs else "-",
        server,
        timing.note or timing.plan,
    )


def format_table(timings: Sequence[Timing]) -> str:
    """A plain text table, numbers right-aligned, the plan column last and unpadded."""
    rows = [HEADER, *(format_row(t) for t in timings)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER) - 1)]
    lines = []
    for number, row in enumerate(rows):
        cells = [
            cell.rjust(widths[i]) if 2 <= i <= 4 else cell.ljust(widths[i])
            for i, cell in enumerate(row[:-1])
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
        if number == 0:
            lines.append("  ".join("-" * width for width in widths) + "  " + "-" * 11)
    return "\n".join(lines)


def dashboard_scenarios(today: date) -> list[tuple[str, Build]]:
    """The council dashboard's grouped queries (reporting.dashboard, support.reports)."""
    from reporting.dashboard import ending, figures, forecast
    from support import reports

    now = datetime.combine(today, time(12), tzinfo=UTC)
    return [
        ("dashboard devices_by_status", figures.devices_by_status),
        (
            "dashboard ending_by_month 90d",
            lambda c: ending.ending_by_month_statement(c, within_days=90, today=today),
        ),
        (
            "dashboard ending_by_school 90d",
            lambda c: ending.ending_by_school(c, within_days=90, today=today),
        ),
        (
            "dashboard forecast leaving_by_month",
            lambda c: forecast.leaving_by_month(c, today=today),
        ),
        ("dashboard tickets_by language", lambda c: reports.tickets_by(c, "language")),
        ("dashboard tickets_by_sla_state", lambda c: reports.tickets_by_sla_state(c, now=now)),
    ]


def time_dashboard(
    engine: Engine,
    *,
    today: date,
    runs: int,
    with_explain: bool,
    progress: Callable[[Timing], None],
) -> list[Timing]:
    """Each dashboard query for the same three callers as the register's queries."""
    scopes, _serial = pick_scopes(engine)
    timings = []
    for name, build in dashboard_scenarios(today):
        for scope in scopes:
            statement = build(scope.caller)
            rows, median_ms = time_statement(engine, statement, runs)
            summary = explain(engine, statement) if with_explain else None
            timing = Timing(
                scenario=name,
                scope=f"{scope.label} {scope.caller.organisation_id}",
                rows=rows,
                median_ms=median_ms,
                runs=runs,
                server_ms=summary.server_ms if summary else None,
                plan=summary.line if summary else "",
            )
            timings.append(timing)
            progress(timing)
    return timings


def run(
    engine: Engine,
    *,
    today: date,
    runs: int = 5,
    import_rows: int = 100_000,
    with_explain: bool = True,
    verbose: bool = False,
    dashboard: bool = False,
) -> list[Timing]:
    """Every scenario once through (the dashboard's too if `dashboard`); returns the timings
    (printing each as it goes if `verbose`)."""

    def show(timing: Timing) -> None:
        if verbose:
            print("  " + " | ".join(format_row(timing)), flush=True)

    timings = time_queries(engine, today=today, runs=runs, with_explain=with_explain, progress=show)
    if dashboard:
        timings += time_dashboard(
            engine, today=today, runs=runs, with_explain=with_explain, progress=show
        )
    if import_rows > 0:
        for timing in time_manifest_import(
            engine, rows=import_rows, runs=min(runs, 3), today=today
        ):
            show(timing)
            timings.append(timing)
    return timings


def session_settings(engine: Engine, settings: Sequence[str]) -> None:
    """Applies NAME=VALUE planner settings to every connection (this run only; nothing is
    changed on the server), to measure what a configuration change would do."""
    pairs = []
    for setting in settings:
        name, _, value = setting.partition("=")
        if not name or not value:
            raise SystemExit(f"--set wants NAME=VALUE, not {setting!r}")
        pairs.append((name.strip(), value.strip()))

    @event.listens_for(engine, "connect")
    def _apply(dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            for name, value in pairs:
                cursor.execute("SELECT set_config(%s, %s, false)", (name, value))
        dbapi_connection.commit()


def main(argv: Sequence[str] | None = None) -> int:
    from dfc.db import build_engine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=5, help="runs per query; the median shown")
    parser.add_argument("--import-rows", type=int, default=100_000, help="0 skips the import")
    parser.add_argument("--today", type=date.fromisoformat, help="default: the dataset's own")
    parser.add_argument(
        "--no-dashboard", action="store_true", help="skip the council dashboard's queries"
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a planner setting"
    )
    args = parser.parse_args(argv)
    meta = read_meta(args.database_url)
    today = args.today or (meta[1] if meta else date.today())
    print(f"dataset: scale {meta[0] if meta else '?'}, reference day {today}, runs {args.runs}")
    if args.set:
        print("settings: " + ", ".join(args.set))
    engine = build_engine(args.database_url)
    session_settings(engine, args.set)
    try:
        timings = run(
            engine,
            today=today,
            runs=args.runs,
            import_rows=args.import_rows,
            verbose=True,
            dashboard=not args.no_dashboard,
        )
    finally:
        engine.dispose()
    print()
    print(format_table(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
