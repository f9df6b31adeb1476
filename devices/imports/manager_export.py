"""Reconciling the register with a device manager's own export (Google Admin or Intune): every
row checked first, by row and column, and nothing saved if any is wrong; then each row is
matched with a device the importer reaches by serial number, and those the register does not
hold are listed, not dropped. Importing the same export again changes nothing."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from devices.imports.common import Progress, ProgressCallback
from devices.imports.dates import NotADate
from devices.imports.manager_dates import read_expiry, read_timestamp
from devices.imports.manager_formats import GOOGLE_ADMIN, INTUNE, ExportFormat
from devices.imports.manager_save import ManagerSummary, save_rows
from devices.imports.reader import Table, read_rows
from devices.models.management import EnrolmentState
from devices.service.access import require_writer
from devices.service.lookup import normal_serial
from dfc.caller import Caller
from dfc.csv_import import HEADER_ROW, ImportRejected, Problems, RowProblem

__all__ = ["ExportRow", "ManagerSummary", "import_google_admin", "import_intune"]

LENGTHS = {"primary_user": 254, "org_unit": 200, "ownership": 50, "compliance": 50}
TEXT_FIELDS = ("model", "os_version", "operating_system", "org_unit", "primary_user")
TEXT_FIELDS += ("asset_id", "ownership", "compliance")


@dataclass(frozen=True, slots=True)
class ExportRow:
    """What one good row says about one device; never the row's other cells."""

    row: int
    serial: str
    state: EnrolmentState
    manager_status: str | None
    last_check_in_at: datetime | None
    enrolled_on: date | None
    auto_update_expires_on: date | None
    text: dict[str, str | None]


def _header_columns(table: Table, export: ExportFormat) -> dict[str, str]:
    """{field: the file's own column} for each field the header has; ImportRejected naming
    each required one it lacks, with the names we take for it."""
    found = {
        field: next((name for name in names if name in table.columns), None)
        for field, names in export.columns.items()
    }
    missing = [field for field in export.required if found[field] is None]
    if missing:
        raise ImportRejected(
            [
                RowProblem(
                    HEADER_ROW,
                    "-",
                    f"this is not a {export.name}: its header has no "
                    + " and no ".join(repr(export.columns[field][0].title()) for field in missing)
                    + " column",
                ),
                *(
                    RowProblem(
                        HEADER_ROW,
                        export.columns[field][0].title(),
                        "column is missing from the header (also taken as "
                        + ", ".join(export.columns[field][1:])
                        + ")",
                    )
                    for field in missing
                ),
            ]
        )
    return {field: column for field, column in found.items() if column}


def _read(
    cells: dict[str, str],
    column: str | None,
    reader: Callable[[str], Any],
    row: int,
    problems: list[RowProblem],
) -> Any:
    text = cells.get(column, "") if column else ""
    if not text:
        return None
    try:
        return reader(text)
    except NotADate as error:
        problems.append(RowProblem(row, column or "-", str(error)))
        return None


def _check_row(
    row: int, cells: dict[str, str], export: ExportFormat, columns: dict[str, str]
) -> tuple[ExportRow | None, list[RowProblem]]:
    problems: list[RowProblem] = []
    serial = normal_serial(cells.get(columns["serial_number"], ""))
    if len(serial) > 100:
        problems.append(RowProblem(row, columns["serial_number"], "is over 100 characters"))
    status = cells.get(columns.get("status", ""), "")
    state = export.state_of(status) if status else export.state_when_no_status
    if state is None:
        message = f"{status!r} is not a status we know; expected one of {export.state_words()}"
        problems.append(RowProblem(row, columns["status"], message))
    text: dict[str, str | None] = {}
    for field in TEXT_FIELDS:
        value = cells.get(columns.get(field, ""), "") or None
        if value and len(value) > LENGTHS.get(field, 100):
            limit = LENGTHS.get(field, 100)
            problems.append(RowProblem(row, columns[field], f"is over {limit} characters"))
        text[field] = value
    checked_in = _read(cells, columns.get("last_check_in"), read_timestamp, row, problems)
    enrolled = _read(cells, columns.get("enrolled"), read_timestamp, row, problems)
    expires = _read(cells, columns.get("auto_update_expires"), read_expiry, row, problems)
    if problems or state is None:
        return None, problems
    return (
        ExportRow(
            row=row,
            serial=serial,
            state=state,
            manager_status=status[:50] or None,
            last_check_in_at=checked_in,
            enrolled_on=enrolled.date() if enrolled else None,
            auto_update_expires_on=expires,
            text=text,
        ),
        [],
    )


def _latest(rows: list[ExportRow]) -> tuple[list[ExportRow], int]:
    """One row per serial number: a device listed twice (enrolled again, so the manager
    keeps its old record too) is taken from the row that checked in last."""
    by_serial: dict[str, ExportRow] = {}
    for row in rows:
        kept = by_serial.get(row.serial)
        if kept is None or _check_in_order(row) > _check_in_order(kept):
            by_serial[row.serial] = row
    return list(by_serial.values()), len(rows) - len(by_serial)


def _check_in_order(row: ExportRow) -> tuple[bool, datetime | None, int]:
    return (row.last_check_in_at is not None, row.last_check_in_at, row.row)


def import_export(
    session: Session,
    *,
    export: ExportFormat,
    caller: Caller,
    data: bytes,
    filename: str,
    progress: ProgressCallback | None = None,
) -> ManagerSummary:
    """Saves the export's management records, or raises ImportRejected with every problem
    (the first ones kept) and saves nothing. The caller commits."""
    require_writer(caller)
    table = read_rows(data, filename=filename)
    columns = _header_columns(table, export)
    tracker = Progress(progress, total=table.rows)
    rows: list[ExportRow] = []
    problems = Problems()
    without_serial = 0
    for row, cells in table:
        if not normal_serial(cells.get(columns["serial_number"], "")):
            without_serial += 1  # nothing to match it with: counted, never guessed
            tracker.advance()
            continue
        checked, row_problems = _check_row(row, cells, export, columns)
        problems.extend(row_problems)
        rows.extend([checked] if checked else [])
        tracker.advance()
    if problems:
        raise problems.rejected()
    unique, duplicates = _latest(rows)
    return save_rows(
        session,
        caller=caller,
        export=export,
        rows=unique,
        counts={"without_serial": without_serial, "duplicate_rows": duplicates},
        progress=tracker,
        skipped=len(rows) - len(unique) + without_serial,
    )


def import_google_admin(
    session: Session,
    *,
    caller: Caller,
    data: bytes,
    filename: str,
    progress: ProgressCallback | None = None,
) -> ManagerSummary:
    """The Admin console's ChromeOS device list (or the Directory API's fields)."""
    return import_export(
        session,
        export=GOOGLE_ADMIN,
        caller=caller,
        data=data,
        filename=filename,
        progress=progress,
    )


def import_intune(
    session: Session,
    *,
    caller: Caller,
    data: bytes,
    filename: str,
    progress: ProgressCallback | None = None,
) -> ManagerSummary:
    """Intune's device export (or the Graph API's managedDevice fields)."""
    return import_export(
        session, export=INTUNE, caller=caller, data=data, filename=filename, progress=progress
    )
