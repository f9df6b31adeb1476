"""A manifest row's items, each checked by the API's own schema and kept as a small tuple of
the values to save: checked once, saved from what the check kept, never parsed again. Text
that many rows repeat (a make, a model, a date) is kept once, so a row costs little more than
its serial number and asset tag."""

from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, NamedTuple

from devices.connectivity_schemas import DongleCreate, SimCreate
from devices.imports.common import present, validate
from devices.models import DeviceKind
from devices.models.connectivity import DongleKind
from devices.schemas import DeviceCreate
from dfc.csv_import import RowProblem

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


class NewDevice(NamedTuple):
    serial_number: str
    kind: DeviceKind
    make: str
    model: str
    asset_tag: str | None
    operating_system: str | None
    received_on: date
    warranty_ends_on: date | None
    central_cover_months: int


class NewDongle(NamedTuple):
    imei: str
    kind: DongleKind
    make_model: str | None
    batch_reference: str | None
    received_on: date


class NewSim(NamedTuple):
    iccid: str
    phone_number: str | None
    network_operator: str
    contract_starts_on: date
    contract_months: int
    gb_per_month: Decimal


class ManifestRow(NamedTuple):
    """One good row: its number, its holder's code, and the items it brings."""

    row: int
    holder: str
    device: NewDevice | None
    dongle: NewDongle | None
    sim: NewSim | None


class Shared(dict[Any, Any]):
    """One copy of each repeated value: a thousand rows of "Lenovo" hold one string."""

    def __call__(self, value: Any) -> Any:
        return self.setdefault(value, value)


def misplaced(row: int, cells: dict[str, str]) -> list[RowProblem]:
    """Device details on a row without a serial number: most likely the serial was left out."""
    if cells.get("serial_number"):
        return []
    columns = DEVICE_ONLY if cells.get("dongle_imei") else DEVICE_ONLY + DEVICE_OR_DONGLE
    message = "describes a device: fill in serial_number too"
    problems = [RowProblem(row, column, message) for column in columns if cells.get(column)]
    if cells.get("sim_phone_number") and not cells.get("sim_iccid"):
        problems.append(RowProblem(row, "sim_phone_number", "fill in sim_iccid too"))
    return problems


def _device(checked: DeviceCreate, share: Shared) -> NewDevice:
    return NewDevice(
        checked.serial_number,
        checked.kind,
        share(checked.make),
        share(checked.model),
        checked.asset_tag,
        share(checked.operating_system),
        share(checked.received_on),
        share(checked.warranty_ends_on),
        checked.central_cover_months,
    )


def _dongle(checked: DongleCreate, share: Shared) -> NewDongle:
    return NewDongle(
        checked.imei,
        checked.kind,
        share(checked.make_model),
        share(checked.batch_reference),
        share(checked.received_on),
    )


def _sim(checked: SimCreate, share: Shared) -> NewSim:
    return NewSim(
        checked.iccid,
        checked.phone_number,
        share(checked.network_operator),
        share(checked.contract_starts_on),
        checked.contract_months,
        share(checked.gb_per_month),
    )


def items(
    row: int, cells: dict[str, str], problems: list[RowProblem], share: Shared
) -> tuple[NewDevice | None, NewDongle | None, NewSim | None]:
    """The row's device, dongle and SIM, each checked by the API's own schema; None for an
    item the row lacks or whose problems were added to `problems`."""
    check = partial(validate, row=row, patterns=PATTERNS, problems=problems)
    serial, imei = cells.get("serial_number"), cells.get("dongle_imei")
    device = dongle = sim = None
    checked_dongle = None
    if serial:
        values = present(cells, DEVICE_FIELDS) | HOLDER
        if checked_device := check(DeviceCreate, values, columns=DEVICE_FIELDS):
            device = _device(checked_device, share)
    if imei and serial:
        values = present(cells, DONGLE_FIELDS) | HOLDER
        checked_dongle = check(DongleCreate, values, columns=DONGLE_FIELDS)
    elif imei:  # a dongle on its own: kind, make and model describe the dongle
        make_model = " ".join(filter(None, (cells.get("make"), cells.get("model"))))
        values = present(cells, LONE_DONGLE_FIELDS) | HOLDER
        values |= {"make_model": make_model} if make_model else {}
        checked_dongle = check(DongleCreate, values, columns=LONE_DONGLE_COLUMNS)
    if checked_dongle:
        dongle = _dongle(checked_dongle, share)
    if cells.get("sim_iccid"):
        values = present(cells, SIM_FIELDS) | HOLDER
        if checked_sim := check(SimCreate, values, columns=SIM_FIELDS):
            sim = _sim(checked_sim, share)
    return device, dongle, sim
