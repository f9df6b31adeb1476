"""A network operator's usage file: one reading (data used so far this month) per SIM and
day. Readings are matched by (SIM, day), so importing a file again changes nothing."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from accounts.scoping import scoped
from devices.connectivity_schemas import UsageReadingCreate
from devices.errors import DuplicateRecord
from devices.imports.bulk import insert_rows
from devices.imports.common import Progress, ProgressCallback, chunks, key_in, present, validate
from devices.imports.reader import read_rows
from devices.models import DataUsage, Sim
from devices.queries import MB_PER_GB
from devices.schemas import Iccid
from devices.service.access import require_writer
from dfc.caller import Caller
from dfc.csv_import import Problems, RowProblem

__all__ = ["COLUMNS", "UsageSummary", "import_usage"]

COLUMNS = ("iccid", "read_on", "used_mb", "used_gb")
REQUIRED = ("iccid", "read_on")
READING_FIELDS = {"read_on": "read_on", "used_mb": "used_mb"}
ICCID = TypeAdapter(Iccid)


@dataclass(frozen=True)
class UsageSummary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass(frozen=True, slots=True)
class _Reading:
    row: int
    iccid: str
    read_on: date
    used_mb: int


def _used_mb(row: int, cells: dict[str, str], problems: list[RowProblem]) -> dict[str, str]:
    """{'used_mb': text} from whichever of used_mb and used_gb is filled in (exactly one)."""
    used_mb, used_gb = cells.get("used_mb", ""), cells.get("used_gb", "")
    if used_mb and used_gb:
        problems.append(RowProblem(row, "used_gb", "fill in used_mb or used_gb, not both"))
    elif not (used_mb or used_gb):
        problems.append(RowProblem(row, "used_mb", "is empty, and so is used_gb"))
    elif used_gb:
        try:
            gigabytes = Decimal(used_gb)
        except InvalidOperation:
            gigabytes = Decimal("NaN")
        if not gigabytes.is_finite():
            problems.append(RowProblem(row, "used_gb", f"{used_gb!r} is not a number of GB"))
            return {}
        return {"used_mb": str(round(gigabytes * MB_PER_GB))}
    return {"used_mb": used_mb} if used_mb else {}


def _check_row(
    row: int, cells: dict[str, str], first_row: dict[tuple[str, date], int]
) -> tuple[_Reading | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    iccid = cells["iccid"]
    try:
        ICCID.validate_python(iccid)
    except ValidationError:
        message = "is empty" if not iccid else f"{iccid!r} is not an ICCID (18 to 22 digits)"
        problems.append(RowProblem(row, "iccid", message))
    used = _used_mb(row, cells, problems)
    used_column = "used_gb" if cells.get("used_gb") else "used_mb"
    reading = validate(
        UsageReadingCreate,
        present(cells, {"read_on": "read_on"}) | (used or {"used_mb": "0"}),
        row=row,
        columns=READING_FIELDS | {"used_mb": used_column},
        patterns={},
        problems=problems,
    )
    if reading is None or problems:
        return None, problems
    first = first_row.setdefault((iccid, reading.read_on), row)
    if first != row:
        message = f"ICCID {iccid} has a reading for this day on row {first} too"
        return None, [RowProblem(row, "read_on", message)]
    return _Reading(row, iccid, reading.read_on, reading.used_mb), problems


def _reachable_sims(session: Session, caller: Caller, iccids: set[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for matches in key_in(session, Sim.iccid, iccids):
        statement = scoped(select(Sim.iccid, Sim.id), caller, Sim.holder_id)
        rows = session.execute(statement.where(matches))
        found.update({iccid: sim_id for iccid, sim_id in rows})
    return found


def _stored(
    session: Session, sim_ids: set[int], first: date, last: date
) -> dict[tuple[int, date], tuple[int, int]]:
    """(SIM id, day) -> (reading id, MB) for the readings the file might repeat."""
    stored: dict[tuple[int, date], tuple[int, int]] = {}
    for matches in key_in(session, DataUsage.sim_id, sim_ids):
        statement = select(
            DataUsage.id, DataUsage.sim_id, DataUsage.read_on, DataUsage.used_mb
        ).where(matches, DataUsage.read_on.between(first, last))
        for reading_id, sim_id, read_on, used_mb in session.execute(statement):
            stored[(sim_id, read_on)] = (reading_id, used_mb)
    return stored


def import_usage(
    session: Session,
    *,
    caller: Caller,
    data: bytes,
    filename: str,
    progress: ProgressCallback | None = None,
) -> UsageSummary:
    """Adds new readings and corrects changed ones, or raises ImportRejected with its
    problems (every one counted, the first kept) and changes nothing. The caller commits."""
    require_writer(caller)
    table = read_rows(
        data, filename=filename, required=REQUIRED, known=COLUMNS, one_of=("used_mb", "used_gb")
    )
    tracker = Progress(progress, total=table.rows)
    readings: list[_Reading] = []  # what a good row needs saved, never its cells
    problems = Problems()
    first_row: dict[tuple[str, date], int] = {}
    for row, cells in table:
        reading, row_problems = _check_row(row, cells, first_row)
        problems.extend(dict.fromkeys(row_problems))
        readings.extend([reading] if reading else [])
        tracker.advance()
    sims = _reachable_sims(session, caller, {reading.iccid for reading in readings})
    problems.extend(
        RowProblem(reading.row, "iccid", f"no SIM you reach has ICCID {reading.iccid}")
        for reading in readings
        if reading.iccid not in sims
    )
    if problems:
        raise problems.rejected()  # the first problems in row order, all counted
    return _save(session, readings=readings, sims=sims, progress=tracker)


def _save(
    session: Session, *, readings: list[_Reading], sims: dict[str, int], progress: Progress
) -> UsageSummary:
    days = [reading.read_on for reading in readings]
    stored = _stored(session, set(sims.values()), min(days), max(days))
    added = updated = unchanged = 0
    try:
        for chunk in chunks(readings):
            new, changed = [], []
            for reading in chunk:
                key = (sims[reading.iccid], reading.read_on)
                if key not in stored:
                    new.append({"sim_id": key[0], "read_on": key[1], "used_mb": reading.used_mb})
                elif stored[key][1] != reading.used_mb:
                    changed.append({"id": stored[key][0], "used_mb": reading.used_mb})
            insert_rows(session, DataUsage, new)
            if changed:
                session.execute(update(DataUsage), changed)
            added, updated = added + len(new), updated + len(changed)
            unchanged += len(chunk) - len(new) - len(changed)
            progress.advance(len(chunk))
    except IntegrityError:
        raise DuplicateRecord(
            "Another import added some of these readings at the same time; nothing from "
            "this file was saved. Import it again."
        ) from None
    return UsageSummary(added=added, updated=updated, unchanged=unchanged)
