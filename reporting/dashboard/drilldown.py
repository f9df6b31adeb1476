"""The rows behind each of the dashboard's counts: the devices, licences, seats and SIMs a
number counts, narrowed to one month, school or status as the count was. Each is built on
the same `devices.queries` report as its count, so the list always has as many rows as the
number that links to it."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from accounts.models import Organisation
from accounts.scoping import scoped
from devices import queries
from devices.models import Device, DeviceStatus, LicenceSeat, OwnerKind
from devices.service.registry import OUT_OF_SERVICE
from dfc.caller import Caller
from reporting.dashboard import updates
from reporting.dashboard.forecast import central_cover
from reporting.dashboard.months import month_of
from reporting.dashboard.replacement import HORIZON_DAYS


@dataclass(frozen=True)
class Narrowing:
    """What a count was taken over: the window, and one month ('2027-01'), one school or
    council (its id, as the device's holder) or one status, where the count was."""

    within_days: int
    today: date
    month: str | None = None
    holder_id: int | None = None
    status: DeviceStatus | None = None
    with_dongle: bool = False


def _named(rows: Any, holder: Any) -> Select[Any]:
    """`rows` (a subquery) with the name of the organisation in `holder`, as `school`."""
    return select(*rows.c, Organisation.name.label("school")).join(
        Organisation, Organisation.id == holder
    )


def with_holder_name(statement: Select[Any]) -> Select[Any]:
    """A device statement's rows with the name of the organisation holding each."""
    rows = statement.subquery()
    return _named(rows, rows.c.holder_id)


def devices_in_service(caller: Caller) -> Select[Any]:
    """Every device in service the caller reaches (the dashboard's first headline)."""
    statement = select(
        Device.id.label("device_id"),
        Device.serial_number,
        Device.holder_id,
        Device.status,
        Device.owner_kind,
    ).where(Device.status.not_in(OUT_OF_SERVICE))
    return scoped(statement, caller, Device.holder_id)


def devices_families_own(caller: Caller) -> Select[Any]:
    statement = select(
        Device.id.label("device_id"), Device.serial_number, Device.holder_id, Device.status
    ).where(Device.owner_kind == OwnerKind.FAMILY)
    return scoped(statement, caller, Device.holder_id)


def held_devices(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """Devices schools and the council hold (not those families own), as counted in
    `queries.stock_by_status`, in one status if narrowed to it."""
    statement = select(
        Device.id.label("device_id"), Device.serial_number, Device.holder_id, Device.status
    ).where(Device.owner_kind != OwnerKind.FAMILY)
    if narrowing.status is not None:
        statement = statement.where(Device.status == narrowing.status)
    return with_holder_name(scoped(statement, caller, Device.holder_id))


def cover_ending_devices(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """Each device whose cover ends in the window (in the month, at the school), once,
    with the last day of its cover there: as `ending` counts them, distinct devices."""
    ending = queries.cover_ending(
        caller, within_days=narrowing.within_days, today=narrowing.today
    ).subquery()
    statement = select(
        ending.c.device_id,
        func.max(ending.c.serial_number).label("serial_number"),
        func.max(ending.c.holder_id).label("holder_id"),
        func.max(ending.c.ends_on).label("ends_on"),
    ).group_by(ending.c.device_id)
    if narrowing.month:
        statement = statement.where(month_of(ending.c.ends_on) == narrowing.month)
    if narrowing.holder_id:
        statement = statement.where(ending.c.holder_id == narrowing.holder_id)
    return with_holder_name(statement)


def _licences(caller: Caller, narrowing: Narrowing) -> Any:
    ending = queries.licences_ending(
        caller, within_days=narrowing.within_days, today=narrowing.today
    ).subquery()
    statement = select(ending)
    if narrowing.month:
        statement = statement.where(month_of(ending.c.ends_on) == narrowing.month)
    if narrowing.holder_id:
        statement = statement.where(ending.c.organisation_id == narrowing.holder_id)
    return statement.subquery("licences")


def licences_ending(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """Licence terms ending (not renewed) in the window, month or school."""
    licences = _licences(caller, narrowing)
    return _named(licences, licences.c.organisation_id)


def licence_seats_ending(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """The seats in use on those licences: one row a seat, with the device in it."""
    licences = _licences(caller, narrowing)
    statement = (
        select(
            LicenceSeat.id.label("seat_id"),
            licences.c.licence_id,
            licences.c.name,
            licences.c.ends_on,
            licences.c.organisation_id,
            Device.id.label("device_id"),
            Device.serial_number,
        )
        .join(LicenceSeat, LicenceSeat.licence_id == licences.c.licence_id)
        .join(Device, Device.id == LicenceSeat.device_id)
        .subquery()
    )
    return _named(statement, statement.c.organisation_id)


def sims_ending(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """SIM contracts ending in the window, month or school, with the device each serves."""
    ending = queries.dongle_contracts_ending(
        caller, within_days=narrowing.within_days, today=narrowing.today
    ).subquery()
    statement = select(*ending.c, Device.serial_number.label("device_serial_number")).outerjoin(
        Device, Device.id == ending.c.device_id
    )
    if narrowing.month:
        statement = statement.where(month_of(ending.c.contract_ends_on) == narrowing.month)
    if narrowing.holder_id:
        statement = statement.where(ending.c.holder_id == narrowing.holder_id)
    rows = statement.subquery()
    return _named(rows, rows.c.holder_id)


def leaving_central_cover(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """Devices whose central cover ends from today on (in the month; only those with a
    dongle and SIM, if narrowed so), as the cost forecast counts them."""
    devices = central_cover(caller).subquery()
    statement = (
        select(*devices.c, Device.serial_number)
        .join(Device, Device.id == devices.c.device_id)
        .where(devices.c.central_until >= narrowing.today)
    )
    if narrowing.month:
        statement = statement.where(month_of(devices.c.central_until) == narrowing.month)
    if narrowing.with_dongle:
        statement = statement.where(devices.c.with_dongle == 1)
    return with_holder_name(statement)


def past_end_of_updates(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """Devices whose security updates have ended (at the school, if narrowed)."""
    return with_holder_name(
        updates.past_devices(caller, today=narrowing.today, holder_id=narrowing.holder_id)
    )


def updates_ending(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """Devices whose security updates end in the window (in the month, at the school)."""
    return with_holder_name(
        updates.ending_devices(
            caller,
            within_days=narrowing.within_days,
            today=narrowing.today,
            month=narrowing.month,
            holder_id=narrowing.holder_id,
        )
    )


def replacements(caller: Caller, narrowing: Narrowing) -> Select[Any]:
    """Devices whose security updates end from today on (in the month), with their kind, as
    the forecast counts them for replacement."""
    rows = updates.ending_devices(
        caller,
        within_days=HORIZON_DAYS,
        today=narrowing.today,
        month=narrowing.month,
        holder_id=None,
    ).subquery()
    statement = select(*rows.c, Device.kind).join(Device, Device.id == rows.c.device_id)
    return with_holder_name(statement)
