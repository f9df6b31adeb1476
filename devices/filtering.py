"""The one rule for what is "unfiltered", as one set-based statement scoped to the caller,
shared by the list page, the API, the dashboard's count and the safeguarding lead's digest.

A device is unfiltered when a child has it (an open allocation, not yet the family's own)
and it has neither a seat on a web-filter licence in force today nor an enrolment in a
manager that its council says filters the web. A router is listed while a filtering review
is open on it: its SIM was replaced, and nobody has yet confirmed its filtering."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, exists, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from accounts.models import Organisation
from accounts.scoping import scoped
from devices.models import (
    Allocation,
    CouncilSafeguarding,
    Device,
    DeviceManagement,
    Dongle,
    EnrolmentState,
    FilteringReview,
    Licence,
    LicenceProduct,
    LicenceSeat,
    Manager,
    OwnerKind,
)
from devices.models.connectivity import DongleKind
from devices.service.registry import OUT_OF_SERVICE
from dfc.caller import Caller

DEFAULT_SORT = "since"


class Reason(StrEnum):
    NO_FILTERING = "no-filtering"  # neither a web-filter licence nor filtering management
    SIM_REPLACED = "sim-replaced"  # a router's new SIM, its filtering not yet reviewed


@dataclass(frozen=True)
class Filters:
    school_id: int | None = None
    reason: Reason | None = None


def _council_of(holder: Any) -> Any:
    """A school's council, or the council itself when it holds the device."""
    return func.coalesce(holder.council_id, holder.id)


def filtering_licence(today: date) -> Any:
    """The device holds a seat on a web-filter licence whose term includes today."""
    return exists().where(
        LicenceSeat.device_id == Device.id,
        Licence.id == LicenceSeat.licence_id,
        Licence.product == LicenceProduct.WEB_FILTER,
        Licence.starts_on <= today,
        Licence.ends_on >= today,
    )


def filtering_management(settings: Any) -> Any:
    """The device's management (joined by device, at most one row) is an enrolment in a
    manager its council says filters the web. IS TRUE: no settings row is "no"."""
    return and_(
        DeviceManagement.state == EnrolmentState.ENROLLED,
        or_(
            and_(DeviceManagement.manager == Manager.INTUNE, settings.intune_filters.is_(True)),
            and_(
                DeviceManagement.manager == Manager.GOOGLE_ADMIN,
                settings.google_admin_filters.is_(True),
            ),
            and_(
                DeviceManagement.manager == Manager.OTHER_MDM,
                settings.other_mdm_filters.is_(True),
            ),
        ),
    )


def _devices(today: date) -> Select[Any]:
    holder = aliased(Organisation)
    settings = aliased(CouncilSafeguarding)
    return (
        select(
            literal("device").label("item"),
            Device.id.label("device_id"),
            null().label("dongle_id"),
            Device.serial_number.label("label"),
            Device.holder_id.label("holder_id"),
            literal(Reason.NO_FILTERING.value).label("reason"),
            Allocation.allocated_on.label("since"),
        )
        .select_from(Device)
        .join(Allocation, and_(Allocation.device_id == Device.id, Allocation.returned_on.is_(None)))
        .join(holder, holder.id == Device.holder_id)
        .outerjoin(settings, settings.council_id == _council_of(holder))
        # A join, not NOT EXISTS: the planner then looks up each device's one record by its
        # index rather than hashing every enrolment in the country.
        .outerjoin(DeviceManagement, DeviceManagement.device_id == Device.id)
        .where(
            Device.status.not_in(OUT_OF_SERVICE),
            Device.owner_kind != OwnerKind.FAMILY,
            ~filtering_licence(today),
            or_(DeviceManagement.id.is_(None), ~filtering_management(settings)),
        )
    )


def _routers() -> Select[Any]:
    return (
        select(
            literal("router").label("item"),
            Dongle.paired_device_id.label("device_id"),
            Dongle.id.label("dongle_id"),
            Dongle.imei.label("label"),
            Dongle.holder_id.label("holder_id"),
            literal(Reason.SIM_REPLACED.value).label("reason"),
            func.min(FilteringReview.flagged_on).label("since"),
        )
        .join(FilteringReview, FilteringReview.dongle_id == Dongle.id)
        .where(Dongle.kind == DongleKind.ROUTER, FilteringReview.reviewed_at.is_(None))
        .group_by(Dongle.id, Dongle.paired_device_id, Dongle.imei, Dongle.holder_id)
    )


def unfiltered(caller: Caller, *, today: date, filters: Filters = Filters()) -> Select[Any]:
    """Everything unfiltered the caller reaches: devices with a child and no filtering, and
    routers whose filtering is to be reviewed. Columns: item, device_id, dongle_id, label
    (serial number or IMEI), holder_id, reason and since (allocated or flagged)."""
    parts = []
    if filters.reason in (None, Reason.NO_FILTERING):
        parts.append(scoped(_devices(today), caller, Device.holder_id))
    if filters.reason in (None, Reason.SIM_REPLACED):
        parts.append(scoped(_routers(), caller, Dongle.holder_id))
    found = union_all(*parts).subquery("unfiltered") if len(parts) > 1 else parts[0].subquery()
    statement = select(*found.c)
    if filters.school_id is not None:
        statement = statement.where(found.c.holder_id == filters.school_id)
    return statement


def count_unfiltered(session: Session, caller: Caller, *, today: date) -> int:
    """How many there are, for the dashboard's headline."""
    found = unfiltered(caller, today=today).subquery()
    return session.execute(select(func.count()).select_from(found)).scalar_one()
