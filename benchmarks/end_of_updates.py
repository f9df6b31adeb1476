"""End of updates on the dashboard at national scale: the nightly computation with its new
figures, the council's dashboard from them, the live lists behind them and the forecast
with its replacement cost.

    .venv/bin/python -m benchmarks.end_of_updates [--database-url URL] [--runs 5]

Everything happens in one transaction that is rolled back at the end. `dfc_bench` predates
device management, so the tables are created in it and seeded as the service would fill
them: every Chromebook's own Auto Update Expiration (as a Google Admin export gives it), its
model's date, and Windows 10's published end of support (the reference data), so about
700,000 laptops are past it. The summary tables and the council's replacement prices come
in the same transaction.
"""

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from unittest import mock

from sqlalchemy import Connection, text
from sqlmodel import Session

from benchmarks.dashboard import app_on, summary_tables
from benchmarks.database import DEFAULT_URL, read_meta
from benchmarks.scenarios import pick_scopes

MODEL_DATES = {  # Google's Auto Update Expiration for the dataset's Chromebooks
    "Chromebook 3100": "2026-06-30",
    "Chromebook 11 G8 EE": "2027-01-31",
    "Chromebook 311": "2027-06-30",
    "100e Chromebook Gen 3": "2029-06-30",
}
PAGES = (
    "/dashboard",
    "/dashboard/past-end-of-updates",
    "/dashboard/updates-ending?days=180",
    "/dashboard/end-of-updates-by-school.csv",
    "/dashboard/forecast",
)


def seed(connection: Connection) -> None:
    from devices.models import DeviceManagement, EndOfUpdates
    from dfc.tables import metadata

    tables = [model.__table__ for model in (DeviceManagement, EndOfUpdates)]
    metadata.create_all(connection, tables=tables)  # type: ignore[arg-type]
    connection.execute(
        text(
            "INSERT INTO end_of_updates (kind, name, name_key, ends_on, source, updated_by,"
            " updated_at) VALUES ('operating-system', 'Windows 10', 'windows 10', '2025-10-14',"
            " 'reference', 'reference', now())"
        )
    )
    for model, ends_on in MODEL_DATES.items():
        connection.execute(
            text(
                "INSERT INTO end_of_updates (kind, name, name_key, ends_on, source, updated_by,"
                " updated_at) VALUES ('model', :model, :key, :ends_on,"
                " 'google-export', 'import', now())"
            ),
            {"model": model, "key": model.lower(), "ends_on": date.fromisoformat(ends_on)},
        )
    connection.execute(
        text(
            "INSERT INTO device_management (device_id, manager, state, auto_update_expires_on,"
            " updated_at) SELECT d.id, 'google-admin', 'enrolled', e.ends_on, now()"
            " FROM device d JOIN end_of_updates e"
            "   ON e.kind = 'model' AND e.name_key = lower(trim(d.model))"
        )
    )
    for name in ("replacement_laptop", "replacement_chromebook", "replacement_tablet"):
        connection.execute(text(f"ALTER TABLE council_prices ADD COLUMN {name} NUMERIC(10, 2)"))
    connection.execute(text("ANALYZE device_management"))
    connection.execute(text("ANALYZE end_of_updates"))


def timed(step: str, work) -> float:
    started = time.perf_counter()
    result = work()
    taken = time.perf_counter() - started
    print(f"{step}: {taken:.1f} s {result or ''}", flush=True)
    return taken


def run(connection: Connection, *, today: date, runs: int) -> None:
    from reporting.dashboard.summaries import refresh_summaries

    scopes, _serial = pick_scopes(connection.engine)
    timed("seeding", lambda: seed(connection))
    summary_tables(connection)
    council = scopes[1].caller.organisation_id
    for label, council_id in (("nightly, whole scheme", None), ("after an import", council)):
        with Session(bind=connection, join_transaction_mode="create_savepoint") as session:

            def refresh(council_id=council_id, session=session):
                done = refresh_summaries(
                    session, council_id=council_id, today=today, now=datetime.now().astimezone()
                )
                session.commit()
                return f"({done.organisations:,} organisations)"

            timed(label, refresh)
    with Session(bind=connection) as session:
        past = session.execute(
            text(
                "SELECT sum(past_end_of_updates) FROM dashboard_headline h"
                " JOIN organisation o ON o.id = h.organisation_id"
                " WHERE o.id = :c OR o.council_id = :c"
            ),
            {"c": council},
        ).scalar_one()
        print(f"council {council}: {past:,} devices past end of updates", flush=True)
    with app_on(connection, scopes[1].caller) as first_byte:
        for page in PAGES:
            first_byte(page)  # warm
            taken = [first_byte(page) for _ in range(runs)]
            print(f"  {page:<44} {statistics.median(taken):>8,.0f} ms (median of {runs})")


def main(argv: Sequence[str] | None = None) -> int:
    from dfc.db import build_engine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    meta = read_meta(args.database_url)
    today = meta[1] if meta else date.today()
    print(f"dataset: scale {meta[0] if meta else '?'}, reference day {today}")
    engine = build_engine(args.database_url)
    try:
        with (
            engine.connect() as connection,
            mock.patch("reporting.pages.dashboard.today", return_value=today),
            mock.patch("reporting.pages.dashboard_lists.today", return_value=today),
            mock.patch("reporting.pages.forecast.today", return_value=today),
        ):
            transaction = connection.begin()
            try:
                run(connection, today=today, runs=args.runs)
            finally:
                transaction.rollback()  # every table and row made here goes with it
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
