"""A supplier's delivery manifest: one row per delivered item, a device, a dongle (with its
SIM) paired with that row's device, or a dongle or SIM on its own. Checked with the API's own
schemas, then saved all together (see manifest_save) or not at all.

The file is read twice, a row at a time: first to check every row, keeping only each good
row's keys (serial, IMEI, ICCID, holder), then, if nothing was wrong, to save it a thousand
rows at a time. Memory grows by a few hundred bytes a row, not by the checked items."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from functools import partial
from typing import Any

from sqlalchemy import or_, select
from sqlmodel import Session

from accounts.models import Organisation
from accounts.scoping import visible_organisations
from devices.imports.common import (
    CHUNK_SIZE,
    Progress,
    ProgressCallback,
    chunks,
    key_in,
    present,
    validate,
)
from devices.imports.manifest_save import (
    Existing,
    Known,
    ManifestRow,
    ManifestSummary,
    save_manifest,
)
from devices.imports.reader import read_rows
from devices.models import Device, Dongle, Sim
from devices.schemas import DeviceCreate, DongleCreate, SimCreate
from devices.service.access import require_writer
from dfc.caller import Caller
from dfc.csv_import import ImportRejected, Problems, RowProblem

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
# Schema field -> the manifest's column, per kind of item on a row.
DEVICE_FIELDS = {
    name: name
    for name in (
        "kind",
        "make",
        "model",
        "serial_number",
        "asset_tag",
        "operating_system",
        "received_on",
        "warranty_ends_on",
    )
}
DONGLE_FIELDS = {
    "imei": "dongle_imei",
    "batch_reference": "batch_reference",
    "received_on": "received_on",
}
LONE_DONGLE_FIELDS = {**DONGLE_FIELDS, "kind": "kind"}
LONE_DONGLE_COLUMNS = {**LONE_DONGLE_FIELDS, "make_model": "make"}
SIM_FIELDS = {
    "iccid": "sim_iccid",
    "phone_number": "sim_phone_number",
    "network_operator": "network_operator",
    "contract_starts_on": "received_on",
    "contract_months": "contract_months",
    "gb_per_month": "gb_per_month",
}
PATTERNS = {
    "dongle_imei": "is not an IMEI (15 digits)",
    "sim_iccid": "is not an ICCID (18 to 22 digits)",
}
HOLDER = {"holder_id": 0}  # checked by code against the caller's reach, not by the schema
DEVICE_ONLY = ("asset_tag", "operating_system", "warranty_ends_on")
DEVICE_OR_DONGLE = ("kind", "make", "model")


@dataclass(frozen=True, slots=True)
class _Keys:
    """What the first pass keeps of a good row: its holder and the keys it registers."""

    row: int
    holder: str
    serial: str | None
    imei: str | None
    iccid: str | None


@dataclass
class _Checked:
    """What the first pass keeps (never the rows' cells or items): good rows' keys, the
    first problems (all counted), who first used each id, and the rows naming each holder."""

    good: list[_Keys] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)
    first_row: dict[tuple[str, str], int] = field(default_factory=dict)
    holder_rows: dict[str, list[int]] = field(default_factory=dict)


def _misplaced(row: int, cells: dict[str, str]) -> list[RowProblem]:
    """Device details on a row without a serial number: most likely the serial was left out."""
    if cells.get("serial_number"):
        return []
    columns = DEVICE_ONLY if cells.get("dongle_imei") else DEVICE_ONLY + DEVICE_OR_DONGLE
    message = "describes a device: fill in serial_number too"
    problems = [RowProblem(row, column, message) for column in columns if cells.get(column)]
    if cells.get("sim_phone_number") and not cells.get("sim_iccid"):
        problems.append(RowProblem(row, "sim_phone_number", "fill in sim_iccid too"))
    return problems


def _items(
    row: int, cells: dict[str, str], problems: list[RowProblem]
) -> tuple[DeviceCreate | None, DongleCreate | None, SimCreate | None]:
    """The row's device, dongle and SIM, each checked by the API's own schema."""
    check = partial(validate, row=row, patterns=PATTERNS, problems=problems)
    serial, imei = cells.get("serial_number"), cells.get("dongle_imei")
    device = dongle = sim = None
    if serial:
        device = check(DeviceCreate, present(cells, DEVICE_FIELDS) | HOLDER, columns=DEVICE_FIELDS)
    if imei and serial:
        dongle = check(DongleCreate, present(cells, DONGLE_FIELDS) | HOLDER, columns=DONGLE_FIELDS)
    elif imei:  # a dongle on its own: kind, make and model describe the dongle
        make_model = " ".join(filter(None, (cells.get("make"), cells.get("model"))))
        values = present(cells, LONE_DONGLE_FIELDS) | HOLDER
        values |= {"make_model": make_model} if make_model else {}
        dongle = check(DongleCreate, values, columns=LONE_DONGLE_COLUMNS)
    if cells.get("sim_iccid"):
        sim = check(SimCreate, present(cells, SIM_FIELDS) | HOLDER, columns=SIM_FIELDS)
    return device, dongle, sim


def _check_row(checked: _Checked, row: int, cells: dict[str, str]) -> None:
    serial, imei, iccid = (cells.get(c, "") for c in ("serial_number", "dongle_imei", "sim_iccid"))
    problems: list[RowProblem] = []
    if not cells.get("holder"):
        message = "is empty; give a school URN or a council LA code"
        problems.append(RowProblem(row, "holder", message))
    if not (serial or imei or iccid):
        message = "is empty, and so are dongle_imei and sim_iccid"
        problems.append(RowProblem(row, "serial_number", message))
    device, dongle, sim = _items(row, cells, problems)
    problems.extend(_misplaced(row, cells))
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
        checked.good.append(
            _Keys(
                row,
                cells["holder"],
                device and device.serial_number,
                dongle and dongle.imei,
                sim and sim.iccid,
            )
        )


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


def _existing(session: Session, rows: list[_Keys]) -> Existing:
    serials = {row.serial for row in rows if row.serial}
    imeis = {row.imei for row in rows if row.imei}
    iccids = {row.iccid for row in rows if row.iccid}
    return Existing(
        devices=_registered(session, Device, Device.serial_number, serials),
        dongles=_registered(session, Dongle, Dongle.imei, imeis),
        sims=_registered(session, Sim, Sim.iccid, iccids),
    )


def _held_elsewhere(
    rows: list[_Keys], existing: Existing, holders: dict[str, int]
) -> Iterator[RowProblem]:
    """A known serial, IMEI or ICCID is fine when the row says what the register says."""
    for row in rows:
        for column, key, known in (
            ("serial_number", row.serial, existing.devices),
            ("dongle_imei", row.imei, existing.dongles),
            ("sim_iccid", row.iccid, existing.sims),
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
    del checked, good  # the second pass needs only the holders and what is registered
    return _save(
        session,
        caller=caller,
        data=data,
        filename=filename,
        holders=holders,
        existing=existing,
        tracker=tracker,
    )


def _save(
    session: Session,
    *,
    caller: Caller,
    data: bytes,
    filename: str,
    holders: dict[str, int],
    existing: Existing,
    tracker: Progress,
) -> ManifestSummary:
    """The second pass over a file with no problems: each row checked again into its items
    and saved with the next thousand."""
    totals: Counter[str] = Counter()
    batch: list[ManifestRow] = []

    def save_batch() -> None:
        summary = save_manifest(
            session, caller=caller, rows=batch, existing=existing, progress=tracker
        )
        totals.update(asdict(summary))
        batch.clear()

    for row, cells in read_rows(data, filename=filename, required=REQUIRED, known=COLUMNS):
        problems: list[RowProblem] = []
        device, dongle, sim = _items(row, cells, problems)
        if problems:  # the same row passed the first time, so this cannot happen
            raise ImportRejected(problems)
        holder = cells["holder"]
        batch.append(ManifestRow(row, holder, device, dongle, sim, holder_id=holders[holder]))
        if len(batch) == CHUNK_SIZE:
            save_batch()
    if batch:
        save_batch()
    return ManifestSummary(**totals)
