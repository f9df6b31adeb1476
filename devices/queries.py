"""Set-based reads over the whole register: what ends soon, what is short of cover, where
demand is unmet. Each is one SQL statement, scoped to the caller, that the API, the council
dashboard and the scheduled alerts share. Each returns a statement to run or page through."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Numeric, Select, and_, cast, exists, func, or_, select, true
from sqlalchemy.orm import aliased

from accounts.models import Organisation, OrganisationKind
from accounts.scoping import scoped
from devices.models import (
    Allocation,
    CoverPeriod,
    CoverProvider,
    DataAllowance,
    DataUsage,
    Device,
    DeviceRequest,
    Dongle,
    Family,
    Licence,
    LicenceSeat,
    OwnerKind,
    Sim,
    SimLoan,
)
from devices.service.registry import OUT_OF_SERVICE, supported_on
from devices.sql import add_days, add_months
from dfc.caller import Caller

THREE_YEARS_IN_MONTHS = 36
MB_PER_GB = 1024


def _in_service() -> Any:
    return Device.status.not_in(OUT_OF_SERVICE)


def cover_ending(caller: Caller, *, within_days: int, today: date) -> Select[Any]:
    """Devices whose support ends within `within_days` with nobody lined up after it."""
    later = aliased(CoverPeriod)
    statement = (
        select(
            Device.id.label("device_id"),
            Device.serial_number,
            Device.holder_id,
            CoverPeriod.provider,
            CoverPeriod.ends_on,
        )
        .join(CoverPeriod, CoverPeriod.device_id == Device.id)
        .where(
            _in_service(),
            CoverPeriod.provider != CoverProvider.NOBODY,
            CoverPeriod.ends_on.between(today, today + timedelta(days=within_days)),
            # Nobody else takes over: no other period that has started by the day after
            # this one ends and runs beyond it.
            ~exists().where(
                later.device_id == CoverPeriod.device_id,
                later.id != CoverPeriod.id,
                later.provider != CoverProvider.NOBODY,
                later.starts_on <= add_days(CoverPeriod.ends_on, 1),
                or_(later.ends_on.is_(None), later.ends_on > CoverPeriod.ends_on),
            ),
        )
    )
    return scoped(statement, caller, Device.holder_id)


def unsupported(caller: Caller, *, today: date) -> Select[Any]:
    """Devices in service that nobody supports today."""
    statement = select(
        Device.id.label("device_id"), Device.serial_number, Device.holder_id, Device.status
    ).where(_in_service(), ~supported_on(today))
    return scoped(statement, caller, Device.holder_id)


def licences_ending(caller: Caller, *, within_days: int, today: date) -> Select[Any]:
    """Licence terms ending within `within_days` that have not been renewed, with the
    seats in use and what a year of them costs."""
    renewal = aliased(Licence)
    used = select(func.count()).where(LicenceSeat.licence_id == Licence.id).scalar_subquery()
    statement = select(
        Licence.id.label("licence_id"),
        Licence.name,
        Licence.product,
        Licence.organisation_id,
        Licence.ends_on,
        Licence.seats,
        used.label("seats_used"),
        (used * Licence.cost_per_seat_per_year).label("annual_cost"),
    ).where(
        Licence.ends_on.between(today, today + timedelta(days=within_days)),
        ~exists().where(renewal.renewed_from_id == Licence.id),
    )
    return scoped(statement, caller, Licence.organisation_id)


def dongle_contracts_ending(caller: Caller, *, within_days: int, today: date) -> Select[Any]:
    """SIM contracts ending within `within_days`, with the dongle and device they serve."""
    statement = (
        select(
            Sim.id.label("sim_id"),
            Sim.iccid,
            Sim.holder_id,
            Sim.contract_ends_on,
            Dongle.id.label("dongle_id"),
            Dongle.paired_device_id.label("device_id"),
        )
        .outerjoin(Dongle, Dongle.id == Sim.dongle_id)
        .where(Sim.contract_ends_on.between(today, today + timedelta(days=within_days)))
    )
    return scoped(statement, caller, Sim.holder_id)


def _within_reach(column: Any, caller: Caller, model: Any) -> Any:
    """`column` limited to ids of `model` rows the caller reaches. Used inside grouped
    subqueries, where PostgreSQL cannot push the outer scope down: a school's report then
    reads its own rows, not the whole country's."""
    if caller.organisation_kind is OrganisationKind.SCHEME:
        return true()
    return column.in_(scoped(select(model.id), caller, model.holder_id))


def allowance_in_force(today: date, caller: Caller) -> Any:
    """Each SIM's allowance on `today`: the latest that started on or before it."""
    newest = aliased(DataAllowance)
    latest_start = (
        select(func.max(newest.effective_from))
        .where(newest.sim_id == DataAllowance.sim_id, newest.effective_from <= today)
        .scalar_subquery()
    )
    return (
        select(DataAllowance.sim_id, DataAllowance.gb_per_month)
        .where(
            DataAllowance.effective_from == latest_start,
            _within_reach(DataAllowance.sim_id, caller, Sim),
        )
        .subquery("allowance")
    )


def sims_over_allowance(caller: Caller, *, percent: int, today: date) -> Select[Any]:
    """SIMs that have used at least `percent` of this month's allowance."""
    allowance = allowance_in_force(today, caller)
    used = (
        select(DataUsage.sim_id, func.max(DataUsage.used_mb).label("used_mb"))
        .where(
            DataUsage.read_on.between(today.replace(day=1), today),
            _within_reach(DataUsage.sim_id, caller, Sim),
        )
        .group_by(DataUsage.sim_id)
        .subquery("used")
    )
    # Widened first: NUMERIC(7,2) GB times 1024 overflows from 98 GB a month.
    capacity_mb = cast(allowance.c.gb_per_month, Numeric(14, 2)) * MB_PER_GB
    statement = (
        select(
            Sim.id.label("sim_id"),
            Sim.iccid,
            Sim.holder_id,
            used.c.used_mb,
            allowance.c.gb_per_month,
            (used.c.used_mb * 100 / capacity_mb).label("percent_used"),
        )
        .join(used, used.c.sim_id == Sim.id)
        .join(allowance, allowance.c.sim_id == Sim.id)
        .where(Sim.contract_ends_on >= today, used.c.used_mb * 100 >= capacity_mb * percent)
    )
    return scoped(statement, caller, Sim.holder_id)


def short_of_three_year_cover(caller: Caller) -> Select[Any]:
    """Devices whose licences, or whose dongle's connectivity, do not reach three years
    from handover (the councils' ask), with how far each does reach."""
    # Each product a device holds must last: its cover is its weakest product's latest end.
    per_product = (
        select(LicenceSeat.device_id, func.max(Licence.ends_on).label("until"))
        .join(Licence, Licence.id == LicenceSeat.licence_id)
        .where(_within_reach(LicenceSeat.device_id, caller, Device))
        .group_by(LicenceSeat.device_id, Licence.product)
        .subquery("per_product")
    )
    licence_cover = (
        select(per_product.c.device_id, func.min(per_product.c.until).label("until"))
        .group_by(per_product.c.device_id)
        .subquery("licence_cover")
    )
    connectivity_cover = (
        select(
            Dongle.paired_device_id.label("device_id"),
            func.max(Sim.contract_ends_on).label("until"),
        )
        .join(Sim, Sim.dongle_id == Dongle.id)
        .where(
            Dongle.paired_device_id.is_not(None),
            _within_reach(Dongle.paired_device_id, caller, Device),
        )
        .group_by(Dongle.paired_device_id)
        .subquery("connectivity_cover")
    )
    has_dongle = exists().where(Dongle.paired_device_id == Device.id)
    required = add_months(Device.received_on, THREE_YEARS_IN_MONTHS)
    statement = (
        select(
            Device.id.label("device_id"),
            Device.serial_number,
            Device.holder_id,
            Device.received_on,
            required.label("cover_needed_until"),
            licence_cover.c.until.label("licence_cover_until"),
            connectivity_cover.c.until.label("connectivity_cover_until"),
        )
        .outerjoin(licence_cover, licence_cover.c.device_id == Device.id)
        .outerjoin(connectivity_cover, connectivity_cover.c.device_id == Device.id)
        .where(
            _in_service(),
            or_(
                licence_cover.c.until.is_(None),
                licence_cover.c.until < required,
                and_(
                    has_dongle,
                    or_(
                        connectivity_cover.c.until.is_(None), connectivity_cover.c.until < required
                    ),
                ),
            ),
        )
    )
    return scoped(statement, caller, Device.holder_id)


def without_connectivity(caller: Caller) -> Select[Any]:
    """Devices with a family that has no broadband at home and no dongle (or SIM-only loan)
    to make up for it."""
    statement = (
        select(
            Allocation.device_id,
            Allocation.family_id,
            Allocation.school_id,
            Allocation.allocated_on,
        )
        .join(Family, Family.id == Allocation.family_id)
        .where(
            Allocation.returned_on.is_(None),
            Family.home_broadband.is_(False),
            Allocation.dongle_id.is_(None),
            ~exists().where(Dongle.paired_device_id == Allocation.device_id),
            # nor a SIM lent for the account holder's own phone
            ~exists().where(
                SimLoan.family_id == Allocation.family_id, SimLoan.returned_on.is_(None)
            ),
        )
    )
    return scoped(statement, caller, Allocation.school_id)


def unmet_demand(caller: Caller, *, by: str = "school") -> Select[Any]:
    """Devices asked for and not provided (declined requests count: the need was real),
    by school or by council."""
    unmet = func.sum(DeviceRequest.quantity - DeviceRequest.quantity_fulfilled)
    school = aliased(Organisation)
    group = school.id if by == "school" else school.council_id
    statement = (
        select(
            group.label(f"{by}_id"),
            unmet.label("unmet"),
            func.count(DeviceRequest.id).label("requests"),
        )
        .join(school, school.id == DeviceRequest.school_id)
        .group_by(group)
        .having(unmet > 0)
    )
    return scoped(statement, caller, DeviceRequest.school_id)


def stock_by_status(caller: Caller) -> Select[Any]:
    """Devices each organisation holds, by status; devices the family owns are theirs and
    leave these figures."""
    statement = (
        select(Device.holder_id, Device.status, func.count().label("devices"))
        .where(Device.owner_kind != OwnerKind.FAMILY)
        .group_by(Device.holder_id, Device.status)
    )
    return scoped(statement, caller, Device.holder_id)
