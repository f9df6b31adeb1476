"""A supplier's delivery manifest: one row per delivered item, a device, a dongle (with its
SIM) paired with that row's device, or a dongle or SIM on its own. Checked with the API's own
schemas, then saved all together (see manifest_save) or not at all.

The file is read once, a row at a time: each row is checked and, if good, kept as the values
to save (a few hundred bytes a row, see manifest_rows), never as cells or schema objects.
If nothing was wrong, what was kept is saved set-based (see manifest_save), without reading
or checking the file again."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from accounts.models import Organisation
from accounts.scoping import visible_organisations
from devices.imports.common import Progress, ProgressCallback, chunks, key_in
from devices.imports.manifest_rows import ManifestRow, Shared, items, misplaced
from devices.imports.manifest_save import Existing, Known, ManifestSummary, save_manifest
from devices.imports.reader import read_rows
from devices.models import Device, Dongle, Sim
from devices.service.access import require_writer
from dfc.caller import Caller
from dfc.csv_import import Problems, RowProblem

__all__ = ["COLUMNS", "ManifestSummary", "import_manifest"]

COLUMNS = (
    "serial_number",
    "kind",
    "make",
    "model",
    "asset_tag",
    "operating_system",
    "holder",
    "received_on",
    "warranty_ends_on",
    "dongle_imei",
    "sim_iccid",
    "sim_phone_number",
    "network_operator",
    "gb_per_month",
    "contract_months",
    "batch_reference",
)
REQUIRED = ("holder", "received_on")


@dataclass
class _Checked:
    """What the check keeps: good rows as the values to save (see manifest_rows), the first
    problems (all counted), who first used each id, and the rows naming each holder."""

    good: list[ManifestRow] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    first_row: dict[tuple[str, str], int] = field(default_factory=dict)
    holder_rows: dict[str, list[int]] = field(default_factory=dict)
    share: Shared = field(default_factory=Shared)


def _check_row(checked: _Checked, row: int, cells: dict[str, str]) -> None:
    serial, imei, iccid = (cells.get(c, "") for c in ("serial_number", "dongle_imei", "sim_iccid"))
    problems: list[RowProblem] = []
    if not cells.get("holder"):
        message = "is empty; give a school URN or a council LA code"
        problems.append(RowProblem(row, "holder", message))
    if not (serial or imei or iccid):
        message = "is empty, and so are dongle_imei and sim_iccid"
        problems.append(RowProblem(row, "serial_number", message))
    device, dongle, sim = items(row, cells, problems, checked.share)
    problems.extend(misplaced(row, cells))
    for column, key in (
        ("serial_number", "".join(serial.split()).upper()),
        ("dongle_imei", imei),
        ("sim_iccid", iccid),
    ):
        first = checked.first_row.setdefault((column, key), row) if key else row
        if first != row:
            problems.append(RowProblem(row, column, f"{key} is also on row {first}"))
    if cells["holder"]:
        checked.holder_rows.setdefault(cells["holder"], []).append(row)
    if problems:
        checked.problems.extend(dict.fromkeys(problems))  # one date checked twice: one problem
    else:
        checked.good.append(ManifestRow(row, checked.share(cells["holder"]), device, dongle, sim))


def _holder_ids(session: Session, caller: Caller, codes: set[str]) -> dict[str, int]:
    """School URNs and council LA codes among the organisations the caller reaches."""
    found: dict[str, int] = {}
    for chunk in chunks(sorted(codes)):
        statement = select(Organisation.id, Organisation.urn, Organisation.la_code).where(
            visible_organisations(caller),
            or_(Organisation.urn.in_(chunk), Organisation.la_code.in_(chunk)),
        )
        for organisation_id, urn, la_code in session.execute(statement):
            for code in (urn, la_code):
                if code in codes:
                    found[code] = organisation_id
    return found


def _registered(
    session: Session, model: type[Device | Dongle | Sim], key: Any, keys: set[str]
) -> Known:
    """Every record already holding one of `keys` (whoever holds it: the keys are unique)."""
    found: Known = {}
    for matches in key_in(session, key, keys):
        statement = select(key, model.id, model.holder_id).where(matches)
        found.update(
            {value: (row_id, holder) for value, row_id, holder in session.execute(statement)}
        )
    return found


def _existing(session: Session, rows: list[ManifestRow]) -> Existing:
    serials = {row.device.serial_number for row in rows if row.device}
    imeis = {row.dongle.imei for row in rows if row.dongle}
    iccids = {row.sim.iccid for row in rows if row.sim}
    return Existing(
        devices=_registered(session, Device, Device.serial_number, serials),
        dongles=_registered(session, Dongle, Dongle.imei, imeis),
        sims=_registered(session, Sim, Sim.iccid, iccids),
    )


def _held_elsewhere(
    rows: list[ManifestRow], existing: Existing, holders: dict[str, int]
) -> Iterator[RowProblem]:
    """A known serial, IMEI or ICCID is fine when the row says what the register says."""
    for row in rows:
        for column, key, known in (
            ("serial_number", row.device and row.device.serial_number, existing.devices),
            ("dongle_imei", row.dongle and row.dongle.imei, existing.dongles),
            ("sim_iccid", row.sim and row.sim.iccid, existing.sims),
        ):
            if key in known and known[key][1] != holders[row.holder]:
                message = f"{key} is already registered to another holder"
                yield RowProblem(row.row, column, message)


def import_manifest(
    session: Session,
    *,
    caller: Caller,
    data: bytes,
    filename: str,
    progress: ProgressCallback | None = None,
) -> ManifestSummary:
    """Adds every new device, dongle and SIM in the file, or raises ImportRejected with its
    problems (every one counted, the first kept) and adds nothing. Known items held as the
    file says are left unchanged. The caller commits."""
    require_writer(caller)
    table = read_rows(data, filename=filename, required=REQUIRED, known=COLUMNS)
    tracker = Progress(progress, total=table.rows)
    checked = _Checked()
    for row, cells in table:
        _check_row(checked, row, cells)
        tracker.advance()
    holders = _holder_ids(session, caller, set(checked.holder_rows))
    for code, rows_naming in checked.holder_rows.items():
        if code not in holders:
            message = f"no school or council you reach has URN or LA code {code}"
            checked.problems.extend(RowProblem(row, "holder", message) for row in rows_naming)
    good = [row for row in checked.good if row.holder in holders]
    existing = _existing(session, good)
    checked.problems.extend(_held_elsewhere(good, existing, holders))
    if checked.problems:
        raise checked.problems.rejected()  # the first problems in row order, all counted
    return save_manifest(
        session, caller=caller, rows=good, holders=holders, existing=existing, progress=tracker
    )
