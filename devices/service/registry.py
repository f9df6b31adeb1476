"""Devices: adding them to the register, changing their details, finding them."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation
from accounts.scoping import scoped
from devices.errors import flush_or_duplicate
from devices.models import (
    CoverPeriod,
    CoverProvider,
    Device,
    DeviceKind,
    DeviceStatus,
    Dongle,
    OwnerKind,
)
from devices.schemas import DeviceCreate, DeviceUpdate
from devices.service import events
from devices.service.access import get_scoped, reachable_organisation, require_writer
from dfc.caller import Caller

SORTABLE = {
    "id": Device.id,
    "serial_number": Device.serial_number,
    "status": Device.status,
    "kind": Device.kind,
    "received_on": Device.received_on,
    "warranty_ends_on": Device.warranty_ends_on,
    "holder_id": Device.holder_id,
}
OUT_OF_SERVICE = (DeviceStatus.LOST, DeviceStatus.STOLEN, DeviceStatus.RETIRED)
ALLOCATABLE = (DeviceStatus.IN_STOCK, DeviceStatus.RETURNED)


@dataclass(frozen=True)
class DeviceFilters:
    status: DeviceStatus | None = None
    kind: DeviceKind | None = None
    school_id: int | None = None
    council_id: int | None = None
    owner_kind: OwnerKind | None = None
    cover_ends_before: date | None = None
    no_dongle: bool = False
    unsupported: bool = False
    serial_number: str | None = None
    search: str | None = None
    allocatable: bool = False


def supported_on(day: date):
    """Some period other than 'nobody' covers the device on `day`."""
    return exists().where(
        CoverPeriod.device_id == Device.id,
        CoverPeriod.provider != CoverProvider.NOBODY,
        CoverPeriod.starts_on <= day,
        or_(CoverPeriod.ends_on.is_(None), CoverPeriod.ends_on >= day),
    )


def _containing(text: str) -> str:
    """A LIKE pattern for `text` anywhere, its own % and _ matching only themselves."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matching(search: str) -> Any:
    """Serial number or asset tag containing `search`, whatever its case; serial numbers are
    kept without spaces, so spaces typed in one are ignored."""
    typed = search.strip()
    serial = "".join(typed.split())
    return or_(
        Device.serial_number.ilike(_containing(serial), escape="\\"),
        Device.asset_tag.ilike(_containing(typed), escape="\\"),
    )


def visible_devices(
    caller: Caller, filters: DeviceFilters, *, today: date
) -> SelectOfScalar[Device]:
    statement = scoped(select(Device), caller, Device.holder_id)
    if filters.status:
        statement = statement.where(Device.status == filters.status)
    if filters.kind:
        statement = statement.where(Device.kind == filters.kind)
    if filters.school_id:
        statement = statement.where(Device.holder_id == filters.school_id)
    if filters.council_id:
        councils_schools = sa_select(Organisation.id).where(
            or_(
                Organisation.id == filters.council_id, Organisation.council_id == filters.council_id
            )
        )
        statement = statement.where(Device.holder_id.in_(councils_schools))
    if filters.owner_kind:
        statement = statement.where(Device.owner_kind == filters.owner_kind)
    if filters.serial_number:
        statement = statement.where(
            Device.serial_number == "".join(filters.serial_number.split()).upper()
        )
    if filters.search and filters.search.strip():
        statement = statement.where(matching(filters.search))
    if filters.allocatable:
        statement = statement.where(Device.status.in_(ALLOCATABLE))
    if filters.no_dongle:
        statement = statement.where(~exists().where(Dongle.paired_device_id == Device.id))
    if filters.unsupported:
        statement = statement.where(Device.status.not_in(OUT_OF_SERVICE), ~supported_on(today))
    if filters.cover_ends_before:
        # The device's support runs out before the date: nothing covers the day before it.
        statement = statement.where(supported_on(today), ~supported_on(filters.cover_ends_before))
    return statement


def count_by_status(session: Session, caller: Caller) -> dict[DeviceStatus, int]:
    """How many devices the caller's organisations hold in each status, in one query."""
    statement = scoped(
        sa_select(Device.status, func.count()).group_by(Device.status), caller, Device.holder_id
    )
    return {DeviceStatus(status): count for status, count in session.exec(statement).all()}


def get_device(session: Session, *, caller: Caller, device_id: int) -> Device:
    return get_scoped(session, caller, Device, device_id, Device.holder_id, "device")


def create_device(session: Session, *, caller: Caller, device_in: DeviceCreate) -> Device:
    """Adds a device held by a council or school, with the scheme's default central support
    (six months from receipt unless said otherwise)."""
    require_writer(caller)
    reachable_organisation(session, caller, device_in.holder_id, "holder_id")
    values = device_in.model_dump(exclude={"central_cover_months"})
    device = Device(**values, status=DeviceStatus.IN_STOCK, owner_kind=OwnerKind.SCHEME)
    session.add(device)
    flush_or_duplicate(
        session, f"A device with serial number {device_in.serial_number} is already in the register"
    )
    if device_in.central_cover_months:
        session.add(
            CoverPeriod(
                device_id=device.id,
                provider=CoverProvider.NATIONAL_SCHEME,
                starts_on=device.received_on,
                ends_on=device.received_on
                + relativedelta(months=device_in.central_cover_months)
                - relativedelta(days=1),
            )
        )
    events.record(session, device=device, caller=caller, action="registered", before={})
    session.flush()
    return device


def update_device(
    session: Session, *, caller: Caller, device_id: int, device_in: DeviceUpdate
) -> Device:
    device = get_device(session, caller=caller, device_id=device_id)
    require_writer(caller)
    before = events.snapshot(device)
    for field, value in device_in.model_dump(exclude_unset=True).items():
        setattr(device, field, value)
    session.add(device)
    events.record(session, device=device, caller=caller, action="details-changed", before=before)
    session.flush()
    return device


def serial_numbers(session: Session, caller: Caller, ids: set[int]) -> dict[int, str]:
    """Serial numbers of the devices among `ids` that the caller reaches, for a list."""
    if not ids:
        return {}
    statement = scoped(sa_select(Device.id, Device.serial_number), caller, Device.holder_id)
    return dict(session.exec(statement.where(Device.id.in_(ids))).all())
