"""Computing the dashboard's daily figures: the same reports the live dashboard runs, grouped
by the organisation that holds each thing and written with one INSERT ... SELECT per table.
Nightly for the whole scheme, and for one council after its imports. The old rows of the
scope go in the same transaction, so a reader sees the old figures or the new, never half."""

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Select, delete, func, insert, literal, select, text, union_all
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from accounts.scoping import visible_organisations, with_reach
from devices import queries
from dfc.caller import Caller
from dfc.db_types import UTCDateTime
from reporting.dashboard import drilldown
from reporting.dashboard.ending import WINDOWS, ending_parts
from reporting.dashboard.figures import AT_CAP_PERCENT
from reporting.dashboard.incidents import FIGURES as INCIDENT_FIGURES
from reporting.dashboard.incidents import incident_counts
from reporting.dashboard.months import month_of
from reporting.dashboard.summary_models import (
    DashboardEnding,
    DashboardHeadline,
    DashboardIncidents,
    DashboardStatus,
)
from reporting.dashboard.updates import past_end_of_updates, updates_ending

log = logging.getLogger(__name__)
HEADLINES = (
    "devices_in_service",
    "owned_by_families",
    "short_of_cover",
    "sims_at_cap",
    "devices_unmet",
    "past_end_of_updates",
)
# One refresh at a time (PostgreSQL; SQLite has one writer anyway): a council's refresh
# after an import and the nightly run would otherwise both insert the council's new rows.
REFRESH_LOCK = 0x64617368  # "dash"
ENDING = (
    "devices_cover_ending",
    "licences_ending",
    "licence_seats_ending",
    "sims_ending",
    "devices_updates_ending",
)


@dataclass(frozen=True)
class Refreshed:
    """What a refresh wrote: for the worker's log and the benchmark."""

    organisations: int
    as_of: date
    computed_at: datetime


def summary_caller(council_id: int | None) -> Caller:
    """Who the figures are counted as: the whole scheme, or one council's reach."""
    if council_id is None:
        return Caller(0, OrganisationKind.SCHEME, "the scheme", Role.SCHEME_ADMIN)
    return Caller(council_id, OrganisationKind.COUNCIL, "a council", Role.COUNCIL_OFFICER)


def _per_organisation(report: Select[Any], holder: str, value: Any, column: str) -> Select[Any]:
    """One headline counted per holder: (organisation_id, 0, ..., value, ..., 0)."""
    rows = report.subquery()
    figures = [(value(rows) if name == column else literal(0)).label(name) for name in HEADLINES]
    return select(rows.c[holder].label("organisation_id"), *figures).group_by(rows.c[holder])


def _headline_parts(caller: Caller, today: date) -> list[Select[Any]]:
    def count(_rows: Any) -> Any:
        return func.count()

    at_cap = queries.sims_over_allowance(caller, percent=AT_CAP_PERCENT, today=today)
    return [
        _per_organisation(drilldown.devices_in_service(caller), "holder_id", count, HEADLINES[0]),
        _per_organisation(drilldown.devices_families_own(caller), "holder_id", count, HEADLINES[1]),
        _per_organisation(
            queries.short_of_three_year_cover(caller), "holder_id", count, HEADLINES[2]
        ),
        _per_organisation(at_cap, "holder_id", count, HEADLINES[3]),
        _per_organisation(
            queries.unmet_demand(caller, by="school"),
            "school_id",
            lambda rows: func.sum(rows.c.unmet),
            HEADLINES[4],
        ),
        _per_organisation(
            past_end_of_updates(caller, today=today), "holder_id", count, HEADLINES[5]
        ),
    ]


def _headlines(caller: Caller, *, today: date, now: datetime) -> Select[Any]:
    """A row for every organisation in reach, its figures zero where it has nothing."""
    parts = union_all(*_headline_parts(caller, today)).subquery("parts")
    return (
        select(
            Organisation.id,
            *(func.coalesce(func.sum(parts.c[name]), 0) for name in HEADLINES),
            literal(today, Date()),
            literal(now, UTCDateTime()),
        )
        .outerjoin(parts, parts.c.organisation_id == Organisation.id)
        .where(visible_organisations(caller))
        .group_by(Organisation.id)
    )


def _statuses(caller: Caller) -> Select[Any]:
    stock = queries.stock_by_status(caller).subquery()
    return select(stock.c.holder_id, stock.c.status, stock.c.devices)


def _ending_window(caller: Caller, within_days: int, today: date) -> Select[Any]:
    """(organisation, window, month, the four counts) for one window, as `ending` counts
    them: distinct devices, licence terms and their seats in use, SIM contracts."""
    support, licences, sims = ending_parts(caller, within_days=within_days, today=today)
    updates = updates_ending(caller, within_days=within_days, today=today).subquery()

    def part(holder: Any, ends_on: Any, **values: Any) -> Select[Any]:
        counts = [values.get(name, literal(0)).label(name) for name in ENDING]
        return select(
            holder.label("organisation_id"), month_of(ends_on).label("month"), *counts
        ).group_by(holder, month_of(ends_on))

    rows = union_all(
        part(
            support.c.holder_id,
            support.c.ends_on,
            devices_cover_ending=func.count(func.distinct(support.c.device_id)),
        ),
        part(
            licences.c.organisation_id,
            licences.c.ends_on,
            licences_ending=func.count(),
            licence_seats_ending=func.coalesce(func.sum(licences.c.seats_used), 0),
        ),
        part(sims.c.holder_id, sims.c.contract_ends_on, sims_ending=func.count()),
        part(updates.c.holder_id, updates.c.ends_on, devices_updates_ending=func.count()),
    ).subquery("ending")
    return select(
        rows.c.organisation_id,
        literal(within_days),
        rows.c.month,
        *(func.sum(rows.c[name]) for name in ENDING),
    ).group_by(rows.c.organisation_id, rows.c.month)


def _endings(caller: Caller, today: date) -> Any:
    return union_all(*(_ending_window(caller, days, today) for days in WINDOWS))


def refresh_summaries(
    session: Session, *, council_id: int | None = None, today: date, now: datetime
) -> Refreshed:
    """Recomputes the figures of the whole scheme (or of one council's organisations) as of
    `today`. The caller commits: old and new rows change in one transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": REFRESH_LOCK})
    caller = with_reach(session, summary_caller(council_id))  # a council's ids, read once
    in_scope = select(Organisation.id).where(visible_organisations(caller))
    for table in (DashboardEnding, DashboardStatus, DashboardIncidents, DashboardHeadline):
        statement = delete(table)
        if council_id is not None:
            statement = statement.where(table.organisation_id.in_(in_scope))  # type: ignore[attr-defined]
        session.execute(statement)
    headline_columns = ["organisation_id", *HEADLINES, "as_of", "computed_at"]
    session.execute(
        insert(DashboardHeadline).from_select(
            headline_columns, _headlines(caller, today=today, now=now)
        )
    )
    session.execute(
        insert(DashboardStatus).from_select(
            ["organisation_id", "status", "devices"], _statuses(caller)
        )
    )
    session.execute(
        insert(DashboardEnding).from_select(
            ["organisation_id", "within_days", "month", *ENDING], _endings(caller, today)
        )
    )
    session.execute(
        insert(DashboardIncidents).from_select(
            ["organisation_id", *INCIDENT_FIGURES], incident_counts(caller, today=today)
        )
    )
    written = session.execute(select(func.count()).select_from(in_scope.subquery())).scalar_one()
    log.info("dashboard figures computed for %s organisations as of %s", written, today)
    return Refreshed(organisations=written, as_of=today, computed_at=now)
