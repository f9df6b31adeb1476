"""The bulk manifest import, timed on a throwaway council inside a transaction that is rolled
back, so the dataset is unchanged (only id sequences move on)."""

import csv
import io
import time
from collections.abc import Callable
from datetime import date, timedelta

from sqlalchemy import Engine, func, select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from benchmarks.dataset import MODELS
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


def time_manifest_import(
    engine: Engine,
    *,
    rows: int = 100_000,
    today: date,
    progress: Callable[[int, int], None] | None = None,
) -> Timing:
    """Imports a `rows`-row manifest once, counts the devices it added, and rolls back."""
    try:
        from devices.imports.manifest import import_manifest
    except ImportError:
        return Timing(f"manifest import {rows:,} rows", "council (new)", 0, 0.0, 0, note=SKIPPED)
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            caller, codes, ids = _throwaway_council(session)
            data = manifest_csv(rows, codes, today=today)
            started = time.perf_counter()
            import_manifest(
                session, caller=caller, data=data, filename="bench-manifest.csv", progress=progress
            )
            session.flush()
            elapsed_ms = (time.perf_counter() - started) * 1000
            devices = _devices_held(session, ids)
            note = f"1 run; {rows // DONGLE_EVERY:,} rows with dongle+SIM; rolled back"
        except Exception as error:  # reported in the table, not hidden
            return Timing(
                f"manifest import {rows:,} rows", "council (new)", 0, 0.0, 1,
                note=f"failed: {type(error).__name__}: {str(error)[:200]}",
            )  # fmt: skip
        finally:
            session.close()
            outer.rollback()
    return Timing(f"manifest import {rows:,} rows", "council (new)", devices, elapsed_ms, 1,
                  note=note)  # fmt: skip


def _devices_held(session: Session, holder_ids: list[int]) -> int:
    from devices.models import Device

    statement = select(func.count()).select_from(Device).where(Device.holder_id.in_(holder_ids))
    return int(session.execute(statement).scalar_one())
