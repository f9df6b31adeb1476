"""The dashboard's figures for machines: the headlines, devices by status and what ends by
month, read from the daily figures (counted live until they are first computed), with when
they were computed. A council sees its own (an administrator any council, or the scheme
with no `council`); a school or trust sees its own organisations' only."""

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from accounts.deps import ApiCaller, SessionDep
from accounts.models import OrganisationKind
from dfc.clock import today
from dfc.db_types import utcnow
from reporting.dashboard.ending import DEFAULT_WINDOW, EndingMonth, checked_window
from reporting.dashboard.figures import Headlines
from reporting.dashboard.incidents import FIGURES as INCIDENT_FIGURES
from reporting.dashboard.overview import (
    ending_months,
    figures_scope,
    headline_figures,
    incidents_by_school,
    status_rows,
    updates_school_rows,
)
from reporting.dashboard.scope import dashboard_scope

router = APIRouter(prefix="/api/dashboard", tags=["reports"])


class StatusCount(BaseModel):
    status: str
    devices: int


class SchoolEndOfUpdates(BaseModel):
    organisation_id: int
    organisation: str
    past_end_of_updates: int
    updates_ending: int


class SchoolIncidents(BaseModel):
    """Incidents that happened in the last year, those still open, and the families they
    touched (more than one incident: `repeat_families`)."""

    organisation_id: int
    organisation: str
    damage: int
    loss: int
    theft: int
    still_open: int
    families: int
    repeat_families: int


class DashboardFigures(BaseModel):
    """`computed_at` is null when the figures were counted live for this answer.
    `nearing_end_of_updates`: devices whose security updates end within `within_days`."""

    organisation_id: int | None
    within_days: int
    computed_at: datetime | None
    as_of: date
    headlines: Headlines
    devices_by_status: list[StatusCount]
    ending_by_month: list[EndingMonth]
    nearing_end_of_updates: int
    end_of_updates_by_school: list[SchoolEndOfUpdates]
    incidents_by_school: list[SchoolIncidents] = []


@router.get("", response_model=DashboardFigures)
def dashboard_figures(
    session: SessionDep,
    caller: ApiCaller,
    council: Annotated[int | None, Query(ge=1, description="a council you reach")] = None,
    days: Annotated[int, Query(description="30, 90 or 180")] = DEFAULT_WINDOW,
) -> DashboardFigures:
    days = checked_window(days)
    scope = dashboard_scope(session, caller, council)
    figures = figures_scope(session, scope.caller, within_days=days, today=today(), now=utcnow())
    stored = figures.computed
    scheme_wide = caller.organisation_kind is OrganisationKind.SCHEME
    months = ending_months(figures)
    return DashboardFigures(
        organisation_id=None
        if scope.council is None and scheme_wide
        else scope.caller.organisation_id,
        within_days=days,
        computed_at=stored.computed_at if stored else None,
        as_of=stored.as_of if stored else figures.today,
        headlines=headline_figures(figures),
        devices_by_status=[
            StatusCount(status=str(status), devices=devices)
            for status, devices in status_rows(figures)
        ],
        ending_by_month=months,
        nearing_end_of_updates=sum(month.devices_updates_ending for month in months),
        end_of_updates_by_school=[
            SchoolEndOfUpdates(**vars(row)) for row in updates_school_rows(figures)
        ],
        incidents_by_school=[
            SchoolIncidents(
                organisation_id=named.id,
                organisation=named.name,
                **dict(zip(INCIDENT_FIGURES, counts, strict=True)),
            )
            for named, *counts in incidents_by_school(figures).rows
        ],
    )
