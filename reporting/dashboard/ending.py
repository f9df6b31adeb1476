"""What ends soon, grouped: cover periods, licences and connectivity ending within N
days, by month and by school. Each groups one of `devices.queries`' reports in SQL."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, literal, or_, select
from sqlmodel import Session

from accounts.models import Organisation
from accounts.scoping import visible_organisations
from devices import queries
from dfc.caller import Caller
from dfc.errors import InvalidInput
from reporting.dashboard.months import month_key, month_of, months_between, months_from
from reporting.dashboard.updates import updates_ending

WINDOWS = (30, 90, 180)
DEFAULT_WINDOW = 90
KIND_COLUMNS = {
    "support": "devices_cover_ending",
    "sim": "sims_ending",
    "updates": "devices_updates_ending",
}


def checked_window(days: int) -> int:
    """`days` if it is one of the windows the dashboard counts, else a plain 422."""
    if days not in WINDOWS:
        raise InvalidInput("Choose 30, 90 or 180 days", field="days")
    return days


@dataclass(frozen=True)
class EndingMonth:
    month: date
    devices_cover_ending: int
    licence_seats_ending: int
    licences_ending: int
    sims_ending: int
    devices_updates_ending: int = 0


def ending_parts(caller: Caller, *, within_days: int, today: date) -> tuple[Any, Any, Any]:
    support = queries.cover_ending(caller, within_days=within_days, today=today).subquery()
    licences = queries.licences_ending(caller, within_days=within_days, today=today).subquery()
    sims = queries.dongle_contracts_ending(caller, within_days=within_days, today=today).subquery()
    return support, licences, sims


def ending_by_month_statement(caller: Caller, *, within_days: int, today: date) -> Select[Any]:
    """(month, kind, count, seats) rows: what ends in each month of the window."""
    support, licences, sims = ending_parts(caller, within_days=within_days, today=today)
    by_cover = select(
        month_of(support.c.ends_on).label("month"),
        literal("support").label("kind"),
        func.count(func.distinct(support.c.device_id)).label("number"),
        literal(0).label("seats"),
    ).group_by(month_of(support.c.ends_on))
    by_licence = select(
        month_of(licences.c.ends_on).label("month"),
        literal("licence").label("kind"),
        func.count().label("number"),
        func.coalesce(func.sum(licences.c.seats_used), 0).label("seats"),
    ).group_by(month_of(licences.c.ends_on))
    by_sim = select(
        month_of(sims.c.contract_ends_on).label("month"),
        literal("sim").label("kind"),
        func.count().label("number"),
        literal(0).label("seats"),
    ).group_by(month_of(sims.c.contract_ends_on))
    updates = updates_ending(caller, within_days=within_days, today=today).subquery()
    by_updates = select(
        month_of(updates.c.ends_on).label("month"),
        literal("updates").label("kind"),
        func.count().label("number"),
        literal(0).label("seats"),
    ).group_by(month_of(updates.c.ends_on))
    return by_cover.union_all(by_licence, by_sim, by_updates)  # type: ignore[return-value]


def ending_by_month(
    session: Session, caller: Caller, *, within_days: int, today: date
) -> list[EndingMonth]:
    """Every month of the window, in order, with what ends in it (zero where nothing does)."""
    statement = ending_by_month_statement(caller, within_days=within_days, today=today)
    found: dict[str, dict[str, int]] = {}
    for row in session.execute(statement):
        counts = found.setdefault(row.month, {})
        if row.kind == "licence":
            counts |= {"licences_ending": int(row.number), "licence_seats_ending": int(row.seats)}
        else:
            counts[KIND_COLUMNS[row.kind]] = int(row.number)
    return window_months(found, within_days=within_days, today=today)


def window_months(
    found: dict[str, dict[str, int]], *, within_days: int, today: date
) -> list[EndingMonth]:
    """Every month of the window from `today`, with the counts `found` has for it by
    'YYYY-MM' (zero where it has none): the live and the daily figures both end here."""
    last = today + timedelta(days=within_days)
    months = []
    for month in months_from(today, months_between(today, last)):
        counts = found.get(month_key(month), {})
        months.append(
            EndingMonth(
                month=month,
                devices_cover_ending=counts.get("devices_cover_ending", 0),
                licence_seats_ending=counts.get("licence_seats_ending", 0),
                licences_ending=counts.get("licences_ending", 0),
                sims_ending=counts.get("sims_ending", 0),
                devices_updates_ending=counts.get("devices_updates_ending", 0),
            )
        )
    return months


def ending_by_school(caller: Caller, *, within_days: int, today: date) -> Select[Any]:
    """One row per school (or council, for what it holds itself) with something ending:
    devices whose support ends, licence seats in use on terms that end, SIM contracts."""
    support, licences, sims = ending_parts(caller, within_days=within_days, today=today)
    devices = (
        select(
            support.c.holder_id.label("organisation_id"),
            func.count(func.distinct(support.c.device_id)).label("number"),
        )
        .group_by(support.c.holder_id)
        .subquery("devices")
    )
    seats = (
        select(
            licences.c.organisation_id,
            func.coalesce(func.sum(licences.c.seats_used), 0).label("number"),
            func.count().label("licences"),
        )
        .group_by(licences.c.organisation_id)
        .subquery("seats")
    )
    contracts = (
        select(sims.c.holder_id.label("organisation_id"), func.count().label("number"))
        .group_by(sims.c.holder_id)
        .subquery("contracts")
    )
    return (
        select(
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation"),
            func.coalesce(devices.c.number, 0).label("devices_cover_ending"),
            func.coalesce(seats.c.licences, 0).label("licences_ending"),
            func.coalesce(seats.c.number, 0).label("licence_seats_ending"),
            func.coalesce(contracts.c.number, 0).label("sims_ending"),
        )
        .outerjoin(devices, devices.c.organisation_id == Organisation.id)
        .outerjoin(seats, seats.c.organisation_id == Organisation.id)
        .outerjoin(contracts, contracts.c.organisation_id == Organisation.id)
        .where(
            visible_organisations(caller),
            or_(
                devices.c.number.is_not(None),
                seats.c.number.is_not(None),
                contracts.c.number.is_not(None),
            ),
        )
    )
