"""End of updates on the dashboard: devices whose security updates have ended (past) and
those whose updates end within the window (nearing), counted, listed and by school. Each is
built on `devices.management_queries.end_of_updates`, so the dashboard, the API report and
the alerts agree on which devices they are."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlmodel import Session

from accounts.models import Organisation
from accounts.scoping import visible_organisations
from devices.management_queries import end_of_updates
from dfc.caller import Caller
from reporting.dashboard.months import month_of


def past_end_of_updates(caller: Caller, *, today: date) -> Select[Any]:
    """Devices in service, not yet the family's, whose last day of updates is before today."""
    return end_of_updates(caller, within_days=-1, today=today)


def updates_ending(caller: Caller, *, within_days: int, today: date) -> Select[Any]:
    """Devices whose last day of updates is today or within `within_days` of it."""
    rows = end_of_updates(caller, within_days=within_days, today=today).subquery()
    return select(rows).where(rows.c.ends_on >= today)


@dataclass(frozen=True)
class SchoolUpdates:
    """A school (or the council, for what it holds itself) with devices past or nearing
    their end of updates."""

    organisation_id: int
    organisation: str
    past_end_of_updates: int
    updates_ending: int


def by_school(caller: Caller, past: Any, nearing: Any) -> Select[Any]:
    """(organisation_id, organisation, past, nearing) from two per-organisation subqueries
    (organisation_id, number), for the organisations with either."""
    return (
        select(
            Organisation.id.label("organisation_id"),
            Organisation.name.label("organisation"),
            func.coalesce(past.c.number, 0).label("past_end_of_updates"),
            func.coalesce(nearing.c.number, 0).label("updates_ending"),
        )
        .outerjoin(past, past.c.organisation_id == Organisation.id)
        .outerjoin(nearing, nearing.c.organisation_id == Organisation.id)
        .where(
            visible_organisations(caller),
            or_(func.coalesce(past.c.number, 0) > 0, func.coalesce(nearing.c.number, 0) > 0),
        )
        .order_by(Organisation.name, Organisation.id)
    )


def _counted(report: Select[Any], name: str) -> Any:
    rows = report.subquery()
    return (
        select(rows.c.holder_id.label("organisation_id"), func.count().label("number"))
        .group_by(rows.c.holder_id)
        .subquery(name)
    )


def updates_by_school(caller: Caller, *, within_days: int, today: date) -> Select[Any]:
    """Counted now, over the register."""
    return by_school(
        caller,
        _counted(past_end_of_updates(caller, today=today), "past"),
        _counted(updates_ending(caller, within_days=within_days, today=today), "nearing"),
    )


def school_rows(session: Session, statement: Select[Any]) -> list[SchoolUpdates]:
    return [
        SchoolUpdates(
            organisation_id=row.organisation_id,
            organisation=row.organisation,
            past_end_of_updates=int(row.past_end_of_updates),
            updates_ending=int(row.updates_ending),
        )
        for row in session.execute(statement)
    ]


def ending_devices(
    caller: Caller, *, within_days: int, today: date, month: str | None, holder_id: int | None
) -> Select[Any]:
    """The devices `updates_ending` counts, in one month ('2027-01') or school if narrowed."""
    rows = updates_ending(caller, within_days=within_days, today=today).subquery()
    statement = select(rows)
    if month:
        statement = statement.where(month_of(rows.c.ends_on) == month)
    if holder_id:
        statement = statement.where(rows.c.holder_id == holder_id)
    return statement


def past_devices(caller: Caller, *, today: date, holder_id: int | None) -> Select[Any]:
    """The devices `past_end_of_updates` counts, at one school if narrowed."""
    rows = past_end_of_updates(caller, today=today).subquery()
    statement = select(rows)
    if holder_id:
        statement = statement.where(rows.c.holder_id == holder_id)
    return statement
