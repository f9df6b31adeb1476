"""The council dashboard's time to first byte, counted live and read from the daily figures,
interleaved in one run, with the nightly computation of the whole scheme's figures between.

    .venv/bin/python -m benchmarks.dashboard [--database-url URL] [--runs 5]

Everything happens in one transaction that is rolled back at the end: the summary tables are
created in it (PostgreSQL's DDL is transactional), filled, read and dropped with it, so the
benchmark database is left as it was. The app runs in-process (TestClient): the time is the
app's and the database's, without a network between browser and server.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from unittest import mock

from sqlalchemy import Connection
from sqlmodel import Session

from benchmarks.database import DEFAULT_URL, read_meta
from benchmarks.scenarios import pick_scopes
from dfc.caller import Caller

LIVE, DAILY = "live", "daily"
LISTS = (  # the live pages: the lists behind the counts, and the cost forecast
    "/dashboard/short-of-cover",
    "/dashboard/schools",
    "/dashboard/devices-in-service",
    "/dashboard/sims-at-cap",
    "/dashboard/forecast",
)


@dataclass(frozen=True)
class PageTiming:
    page: str
    scope: str
    figures: str  # live, daily, or "-" for the lists (always live)
    median_ms: float
    runs: int


def summary_tables(connection: Connection) -> None:
    """The summary tables, created inside the benchmark's transaction."""
    from dfc.tables import metadata
    from reporting.dashboard.summary_models import (
        DashboardEnding,
        DashboardHeadline,
        DashboardStatus,
    )

    tables = [model.__table__ for model in (DashboardHeadline, DashboardStatus, DashboardEnding)]
    metadata.create_all(connection, tables=tables)  # type: ignore[arg-type]


@contextmanager
def app_on(connection: Connection, caller: Caller) -> Iterator[Callable[[str], float]]:
    """A client for the app whose requests use `connection` and are made by `caller`;
    yields a function returning milliseconds to the response's first byte."""
    from fastapi.testclient import TestClient

    from accounts.deps import get_page_caller
    from dfc.app import create_app
    from dfc.db import get_session

    app = create_app()

    def session() -> Iterator[Session]:
        with Session(bind=connection, join_transaction_mode="create_savepoint") as opened:
            yield opened

    async def signed_in() -> Caller:
        return caller

    app.dependency_overrides[get_session] = session
    app.dependency_overrides[get_page_caller] = signed_in
    with TestClient(app) as client:

        def first_byte(path: str) -> float:
            started = time.perf_counter()
            with client.stream("GET", path, headers={"Accept": "text/html"}) as response:
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise SystemExit(f"{path}: {response.status_code}")
                response.read()
            return elapsed

        yield first_byte


@contextmanager
def figures(kind: str) -> Iterator[None]:
    """Live figures (as before the summaries) or the daily ones."""
    if kind == DAILY:
        yield
        return
    with mock.patch("reporting.dashboard.daily.computed", return_value=None):
        yield


def run(connection: Connection, *, today: date, runs: int) -> tuple[list[PageTiming], float]:
    """Page timings for the largest council and the whole scheme, and the seconds the
    nightly computation of the whole scheme took."""
    from reporting.dashboard.summaries import refresh_summaries

    scopes, _serial = pick_scopes(connection.engine)
    summary_tables(connection)
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        started = time.perf_counter()
        refreshed = refresh_summaries(session, today=today, now=datetime.now().astimezone())
        session.commit()  # releases the session's savepoint; the outer transaction stays
        nightly_s = time.perf_counter() - started
    print(f"nightly computation: {refreshed.organisations:,} organisations in {nightly_s:.1f} s")
    council = scopes[1].caller.organisation_id
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        started = time.perf_counter()
        refreshed = refresh_summaries(
            session, council_id=council, today=today, now=datetime.now().astimezone()
        )
        session.commit()
        after_import_s = time.perf_counter() - started
    print(
        f"after an import, council {council}: {refreshed.organisations:,} organisations"
        f" in {after_import_s:.1f} s"
    )
    timings = []
    for scope in scopes[:2]:  # the scheme, the largest council (the page is for councils)
        label = f"{scope.label} {scope.caller.organisation_id}"
        with app_on(connection, scope.caller) as first_byte:
            samples: dict[str, list[float]] = {LIVE: [], DAILY: []}
            first_byte("/dashboard")  # warm: templates compiled, statements cached
            for _ in range(runs):
                for kind in (LIVE, DAILY):
                    with figures(kind):
                        samples[kind].append(first_byte("/dashboard"))
            for kind, taken in samples.items():
                timings.append(
                    PageTiming("/dashboard", label, kind, statistics.median(taken), runs)
                )
                print(f"  {timings[-1]}", flush=True)
            if scope.label != "council":
                continue
            for path in LISTS:
                taken = [first_byte(path) for _ in range(runs)]
                timings.append(PageTiming(path, label, "-", statistics.median(taken), runs))
                print(f"  {timings[-1]}", flush=True)
    return timings, nightly_s


def format_table(timings: Sequence[PageTiming]) -> str:
    header = f"{'page':<32} {'scope':<12} {'figures':<8} {'median ms to first byte':>24}"
    lines = [header, "-" * len(header)]
    lines += [f"{t.page:<32} {t.scope:<12} {t.figures:<8} {t.median_ms:>24,.0f}" for t in timings]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    from dfc.db import build_engine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=5, help="runs per page; the median shown")
    args = parser.parse_args(argv)
    meta = read_meta(args.database_url)
    today = meta[1] if meta else date.today()
    print(f"dataset: scale {meta[0] if meta else '?'}, reference day {today}, runs {args.runs}")
    engine = build_engine(args.database_url)
    try:
        with (
            engine.connect() as connection,
            mock.patch("reporting.pages.dashboard.today", return_value=today),
        ):
            transaction = connection.begin()
            try:
                timings, nightly_s = run(connection, today=today, runs=args.runs)
            finally:
                transaction.rollback()  # the summary tables go with everything else
    finally:
        engine.dispose()
    print()
    print(format_table(timings))
    print(f"\nnightly computation of the whole scheme's figures: {nightly_s:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
