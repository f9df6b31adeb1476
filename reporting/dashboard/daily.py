"""Reading the dashboard's daily figures: a caller's headlines, devices by status and what
ends by month, added up over the organisations the caller reaches (a council: itself and
its schools; a school: itself). Each is one small grouped read of the summary tables."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from accounts.scoping import visible_organisations
from dfc.caller import Caller
from reporting.dashboard import updates
from reporting.dashboard.ending import EndingMonth, window_months
from reporting.dashboard.figures import Headlines
from reporting.dashboard.summaries import ENDING, HEADLINES
from reporting.dashboard.summary_models import DashboardEnding, DashboardHeadline, DashboardStatus


@dataclass(frozen=True)
class Computed:
    """When the figures a caller sees were computed (the oldest of their organisations'),
    and the day their windows and "this month" count from."""

    computed_at: datetime
    as_of: date


def _reached(caller: Caller, column: Any) -> Any:
    if caller.organisation_kind is OrganisationKind.SCHEME:
        return column.is_not(None)
    return column.in_(select(Organisation.id).where(visible_organisations(caller)))


def computed(session: Session, caller: Caller) -> Computed | None:
    """When the caller's figures were computed (their oldest organisation's); None if they
    never have been."""
    row = session.execute(
        select(DashboardHeadline.computed_at, DashboardHeadline.as_of)
        .where(_reached(caller, DashboardHeadline.organisation_id))
        .order_by(DashboardHeadline.computed_at)
        .limit(1)
    ).one_or_none()
    return Computed(computed_at=row.computed_at, as_of=row.as_of) if row else None


def stored_headlines(session: Session, caller: Caller) -> Headlines:
    sums = [func.coalesce(func.sum(getattr(DashboardHeadline, name)), 0) for name in HEADLINES]
    row = session.execute(
        select(*sums).where(_reached(caller, DashboardHeadline.organisation_id))
    ).one()
    return Headlines(**{name: int(value) for name, value in zip(HEADLINES, row, strict=True)})


def stored_by_status(session: Session, caller: Caller) -> list[tuple[Any, int]]:
    """(status, devices) as `figures.devices_by_status` counts them."""
    statement = (
        select(DashboardStatus.status, func.sum(DashboardStatus.devices).label("devices"))
        .where(_reached(caller, DashboardStatus.organisation_id))
        .group_by(DashboardStatus.status)
    )
    return [(row.status, int(row.devices)) for row in session.execute(statement)]


def stored_ending_by_month(
    session: Session, caller: Caller, *, within_days: int, as_of: date
) -> list[EndingMonth]:
    """Every month of the window from `as_of`, as `ending.ending_by_month` counts them."""
    statement = (
        select(
            DashboardEnding.month,
            *(func.sum(getattr(DashboardEnding, name)).label(name) for name in ENDING),
        )
        .where(
            _reached(caller, DashboardEnding.organisation_id),
            DashboardEnding.within_days == within_days,
        )
        .group_by(DashboardEnding.month)
    )
    found = {
        row.month: {name: int(getattr(row, name)) for name in ENDING}
        for row in session.execute(statement)
    }
    return window_months(found, within_days=within_days, today=as_of)


def stored_updates_by_school(caller: Caller, *, within_days: int) -> Any:
    """(organisation_id, organisation, past, nearing) per organisation the caller reaches,
    from the daily figures, as `updates.updates_by_school` counts them."""
    nearing = (
        select(
            DashboardEnding.organisation_id,
            func.sum(DashboardEnding.devices_updates_ending).label("number"),
        )
        .where(
            _reached(caller, DashboardEnding.organisation_id),
            DashboardEnding.within_days == within_days,
        )
        .group_by(DashboardEnding.organisation_id)
        .subquery("nearing")
    )
    past = (
        select(
            DashboardHeadline.organisation_id,
            DashboardHeadline.past_end_of_updates.label("number"),
        )
        .where(_reached(caller, DashboardHeadline.organisation_id))
        .subquery("past")
    )
    return updates.by_school(caller, past, nearing)
