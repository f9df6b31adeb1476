"""The bulk manifest import beside its limit (COPY of the same rows), timed on a throwaway
council inside a transaction that is rolled back, its dead rows then vacuumed, so the
dataset is unchanged (only id sequences move on).

    .venv/bin/python -m benchmarks.manifest [--rows 100000] [--runs 3]
"""

import argparse
import csv
import io
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from benchmarks.database import DEFAULT_URL, read_meta
from benchmarks.dataset import MODELS
from benchmarks.manifest_limit import copy_written, inserted, largest_ids, read_written
from benchmarks.scenarios import Timing
from dfc.caller import Caller

SKIPPED = "skipped: devices.imports not available"
THROWAWAY_LA_CODE = "999"
THROWAWAY_SCHOOLS = 40
DONGLE_EVERY = 10  # one row in ten also brings a dongle with its SIM
COLUMNS = (
    "serial_number", "kind", "make", "model", "asset_tag", "operating_system", "holder",
    "received_on", "warranty_ends_on", "dongle_imei", "sim_iccid", "sim_phone_number",
    "network_operator", "gb_per_month", "contract_months", "batch_reference",
)  # fmt: skip


def manifest_csv(rows: int, holders: list[str], *, today: date) -> bytes:
    """A supplier's manifest of `rows` devices for `holders` (URNs or LA codes). Serials,
    IMEIs and ICCIDs use ranges the generated dataset does not; no phone numbers, so no
    real number is ever written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for i in range(1, rows + 1):
        kind, _, make, model, system, _ = MODELS[i % len(MODELS)]
        received = today - timedelta(days=i % 300)
        with_dongle = i % DONGLE_EVERY == 0
        writer.writerow(
            [
                f"IMP{i:09d}", kind, make, model, f"IMP-{i}", system,
                holders[i % len(holders)], received.isoformat(),
                received.replace(year=received.year + 3).isoformat()
                if not (received.month == 2 and received.day == 29) else "",
                f"35{i:013d}" if with_dongle else "",
                f"89449{i:014d}" if with_dongle else "",
                "",
                "EE" if with_dongle else "",
                "10" if with_dongle else "",
                "12" if with_dongle else "",
                "BENCH-IMPORT",
            ]
        )  # fmt: skip
    return out.getvalue().encode()


def _throwaway_council(session: Session) -> tuple[Caller, list[str], list[int]]:
    """A council with its schools; returns its officer, the holder codes and the ids."""
    council = Organisation(
        kind=OrganisationKind.COUNCIL,
        name="Benchmark throwaway council",
        gss_code="E99999999",
        la_code=THROWAWAY_LA_CODE,
    )
    session.add(council)
    session.flush()
    schools = [
        Organisation(
            kind=OrganisationKind.SCHOOL,
            name=f"Benchmark throwaway school {i}",
            urn=f"{990000 + i}",
            council_id=council.id,
        )
        for i in range(THROWAWAY_SCHOOLS)
    ]
    session.add_all(schools)
    session.flush()
    caller = Caller(
        organisation_id=council.id or 0,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name=council.name,
        role=Role.COUNCIL_OFFICER,
        name="Benchmark",
    )
    codes = [school.urn or "" for school in schools] + [THROWAWAY_LA_CODE]
    ids = [school.id or 0 for school in schools] + [council.id or 0]
    return caller, codes, ids


def _timed_import(
    connection: Connection,
    caller: Caller,
    data: bytes,
    progress: Callable[[int, int], None] | None,
    then: Callable[[], None] = lambda: None,
) -> float:
    """Seconds to import `data`, in a savepoint of its own rolled back after `then`."""
    from devices.imports.manifest import import_manifest

    session = Session(bind=connection, join_transaction_mode="create_savepoint")
    try:
        started = time.perf_counter()
        import_manifest(
            session, caller=caller, data=data, filename="bench-manifest.csv", progress=progress
        )
        session.flush()
        elapsed = time.perf_counter() - started
        then()
        return elapsed
    finally:
        session.close()


def _median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1000 if seconds else 0.0


def time_manifest_import(
    engine: Engine,
    *,
    rows: int = 100_000,
    runs: int = 1,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> list[Timing]:
    """The import of a `rows`-row manifest beside its limit, COPY of exactly the rows it
    wrote, `runs` times each, interleaved (import first in odd rounds, COPY first in even
    ones); each in a savepoint rolled back, all in a transaction rolled back."""
    scenario, scope = f"manifest import {rows:,} rows", "council (new)"
    try:
        import devices.imports.manifest
    except ImportError:
        return [Timing(scenario, scope, 0, 0.0, 0, note=SKIPPED)]
    imports: list[float] = []
    copies: list[float] = []
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            setup = Session(bind=connection, join_transaction_mode="create_savepoint")
            caller, codes, ids = _throwaway_council(setup)
            setup.commit()  # into the outer transaction, which is rolled back
            data = manifest_csv(rows, codes, today=today)
            ids_from, before = largest_ids(connection), inserted(connection)
            found: dict[str, Any] = {}

            def read_back() -> None:
                found["devices"] = _devices_held(connection, ids)
                found["written"] = read_written(
                    connection, before=before, counts=inserted(connection), ids_from=ids_from
                )

            imports.append(_timed_import(connection, caller, data, progress, read_back))
            devices, written = found["devices"], found["written"]
            for round_number in range(runs):
                order = ("copy", "import") if round_number % 2 else ("import", "copy")
                for what in order if round_number else ("copy",):
                    if what == "import":
                        imports.append(_timed_import(connection, caller, data, progress))
                        continue
                    savepoint = connection.begin_nested()
                    copies.append(copy_written(connection, written))
                    savepoint.rollback()
        except Exception as error:  # reported in the table, not hidden
            note = f"failed: {type(error).__name__}: {str(error)[:200]}"
            return [Timing(scenario, scope, 0, 0.0, 1, note=note)]
        finally:
            outer.rollback()
    vacuum(engine, sorted(written.rows))
    ratio = statistics.median(imports) / statistics.median(copies)
    every = f"runs {', '.join(f'{s:.1f}' for s in imports)} s"
    return [
        Timing(
            scenario, scope, devices, _median_ms(imports), len(imports),
            note=f"{ratio:.1f}x its COPY; {rows // DONGLE_EVERY:,} rows with dongle+SIM; {every}",
        ),
        Timing(
            "COPY of the rows it wrote", scope, written.total(), _median_ms(copies), len(copies),
            note=f"{written.describe()}; runs {', '.join(f'{s:.1f}' for s in copies)} s",
        ),
    ]  # fmt: skip


def vacuum(engine: Engine, tables: list[str]) -> None:
    """Clears the rolled-back rows away (autovacuum may be off on a benchmark server): each
    run leaves a dead copy of everything it wrote, which would slow every later query that
    scans those tables, other benchmarks' included."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in tables:
            connection.exec_driver_sql(f'VACUUM "{table}"')


def _devices_held(connection: Connection, holder_ids: list[int]) -> int:
    from devices.models import Device

    statement = select(func.count()).select_from(Device).where(Device.holder_id.in_(holder_ids))
    return int(connection.execute(statement).scalar_one())


def main(argv: Sequence[str] | None = None) -> int:
    from benchmarks.run import format_table
    from dfc.db import build_engine

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of each, interleaved")
    args = parser.parse_args(argv)
    meta = read_meta(args.database_url)
    today = meta[1] if meta else date.today()
    engine = build_engine(args.database_url)
    try:
        timings = time_manifest_import(engine, rows=args.rows, runs=args.runs, today=today)
    finally:
        engine.dispose()
    print(format_table(timings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
