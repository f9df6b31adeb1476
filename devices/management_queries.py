"""Set-based reads of the devices' management and end of updates: the reconciliation
reports officers work from, and the devices whose updates end soon (for the alerts, the
dashboard, the forecast and open data). Each is one SQL statement scoped to the caller,
returned to run or page through, like devices.queries."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select

from accounts.scoping import scoped
from devices.models import Device, DeviceManagement, OwnerKind, UnmatchedManagedDevice
from devices.models.management import EnrolmentState, Manager
from devices.service.end_of_updates import BASIS, ENDS_ON, with_end_of_updates
from devices.service.registry import ALLOCATABLE, OUT_OF_SERVICE
from devices.service.transitions import IN_USE
from dfc.caller import Caller

NOT_SEEN_DAYS = 60
CHECKING_IN_DAYS = 14
STILL_MANAGED = (EnrolmentState.ENROLLED, EnrolmentState.RETIRE_REQUESTED)


@dataclass(frozen=True)
class Filters:
    """What every reconciliation report may be narrowed to."""

    manager: Manager | None = None
    school_id: int | None = None


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _managed(caller: Caller, filters: Filters) -> Select[Any]:
    statement = select(
        Device.id.label("device_id"),
        Device.serial_number,
        Device.holder_id,
        Device.status,
        Device.owner_kind,
        DeviceManagement.manager,
        DeviceManagement.state,
        DeviceManagement.manager_status,
        DeviceManagement.last_check_in_at,
    ).join(DeviceManagement, DeviceManagement.device_id == Device.id)
    if filters.manager is not None:
        statement = statement.where(DeviceManagement.manager == filters.manager)
    if filters.school_id is not None:
        statement = statement.where(Device.holder_id == filters.school_id)
    return scoped(statement, caller, Device.holder_id)


def not_seen(caller: Caller, *, today: date, filters: Filters = Filters()) -> Select[Any]:
    """Devices with a family, still managed, that have not checked in for 60 days (or never)."""
    cutoff = _start_of(today - timedelta(days=NOT_SEEN_DAYS))
    return _managed(caller, filters).where(
        Device.status.in_(IN_USE),
        DeviceManagement.state.in_(STILL_MANAGED),
        (DeviceManagement.last_check_in_at.is_(None))
        | (DeviceManagement.last_check_in_at < cutoff),
    )


def deprovisioned_but_allocated(
    caller: Caller, *, today: date, filters: Filters = Filters()
) -> Select[Any]:
    """Devices out with a family on loan (not theirs yet) that the manager has let go of."""
    return _managed(caller, filters).where(
        Device.status.in_(IN_USE),
        Device.owner_kind != OwnerKind.FAMILY,
        DeviceManagement.state == EnrolmentState.DEPROVISIONED,
    )


def in_stock_but_checking_in(
    caller: Caller, *, today: date, filters: Filters = Filters()
) -> Select[Any]:
    """Devices the register says are on the shelf that checked in within 14 days: someone
    is using them."""
    cutoff = _start_of(today - timedelta(days=CHECKING_IN_DAYS))
    return _managed(caller, filters).where(
        Device.status.in_(ALLOCATABLE), DeviceManagement.last_check_in_at >= cutoff
    )


def enrolled_though_family_owned(
    caller: Caller, *, today: date, filters: Filters = Filters()
) -> Select[Any]:
    """Devices the family owns that are still enrolled in the council's manager: locked to
    it, filtered and monitored by it."""
    return _managed(caller, filters).where(
        Device.owner_kind == OwnerKind.FAMILY, DeviceManagement.state.in_(STILL_MANAGED)
    )


def not_in_register(caller: Caller, *, today: date, filters: Filters = Filters()) -> Select[Any]:
    """Devices a manager's export listed that no device of the importer's register matched."""
    statement = select(
        UnmatchedManagedDevice.id.label("unmatched_id"),
        UnmatchedManagedDevice.serial_number,
        UnmatchedManagedDevice.organisation_id,
        UnmatchedManagedDevice.manager,
        UnmatchedManagedDevice.state,
        UnmatchedManagedDevice.manager_status,
        UnmatchedManagedDevice.reported_model,
        UnmatchedManagedDevice.last_check_in_at,
        UnmatchedManagedDevice.row,
        UnmatchedManagedDevice.seen_at,
    )
    if filters.manager is not None:
        statement = statement.where(UnmatchedManagedDevice.manager == filters.manager)
    if filters.school_id is not None:
        statement = statement.where(UnmatchedManagedDevice.organisation_id == filters.school_id)
    return scoped(statement, caller, UnmatchedManagedDevice.organisation_id)


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    description: str
    query: Callable[..., Select[Any]]
    default_sort: str


REPORTS = {
    report.slug: report
    for report in (
        Report(
            "not-seen",
            "With a family, not seen for 60 days",
            "Devices with a family whose manager has not heard from them for 60 days or more.",
            not_seen,
            "last_check_in_at",
        ),
        Report(
            "deprovisioned-but-allocated",
            "Deprovisioned but still allocated",
            "Devices lent to a family that the manager no longer manages.",
            deprovisioned_but_allocated,
            "serial_number",
        ),
        Report(
            "in-stock-but-checking-in",
            "In stock but checking in",
            "Devices in stock or returned that checked in within the last 14 days.",
            in_stock_but_checking_in,
            "-last_check_in_at",
        ),
        Report(
            "enrolled-though-family-owned",
            "Owned by the family, still enrolled",
            "Devices handed over to their family that are still enrolled in the council's manager.",
            enrolled_though_family_owned,
            "serial_number",
        ),
        Report(
            "not-in-register",
            "In a manager, not in the register",
            "Devices a manager's export listed that match no device in your register.",
            not_in_register,
            "serial_number",
        ),
    )
}


def end_of_updates(caller: Caller, *, within_days: int, today: date) -> Select[Any]:
    """Devices in service, not yet the family's, whose security updates have ended or end
    within `within_days`: device id, holder, serial number, model, end date and what it
    comes from (the device's own date, its model's or its operating system's)."""
    ends_on = ENDS_ON
    statement = with_end_of_updates(
        select(
            Device.id.label("device_id"),
            Device.holder_id,
            Device.serial_number,
            Device.model,
            ends_on.label("ends_on"),
            BASIS.label("basis"),
        ).select_from(Device)
    ).where(
        Device.status.not_in(OUT_OF_SERVICE),
        Device.owner_kind != OwnerKind.FAMILY,
        ends_on <= today + timedelta(days=within_days),
    )
    return scoped(statement, caller, Device.holder_id)
