"""The dashboard's small tables (each with a chart): devices by status, what ends by
month, tickets by SLA state, language and category, and the cost forecast. A table is built
by name, so the page and its CSV download come from the same function. The register's
figures come from the daily summaries once computed (live until then); tickets stay live."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session

from dfc.caller import Caller
from reporting.dashboard import daily
from reporting.dashboard.daily import Computed
from reporting.dashboard.ending import EndingMonth, ending_by_month
from reporting.dashboard.figures import Headlines, devices_by_status, headlines
from reporting.dashboard.forecast import Forecast
from reporting.dashboard.incidents import incident_counts, incidents_table, stored_counts
from reporting.dashboard.tables import COUNT, MONEY, MONTH, Column, Named, Table
from reporting.dashboard.updates import SchoolUpdates, school_rows, updates_by_school
from support.reports import SLA_STATE_NAMES, sla_counts, ticket_counts


@dataclass(frozen=True)
class Scope:
    """What every table is built from: whose figures, the window in days, the clock, and
    when the daily figures were computed (None: never, so they are counted live)."""

    session: Session
    caller: Caller
    within_days: int
    today: date
    now: datetime
    computed: Computed | None = None


def figures_scope(
    session: Session, caller: Caller, *, within_days: int, today: date, now: datetime
) -> Scope:
    """The scope with its daily figures' time looked up once for every table."""
    stored = daily.computed(session, caller)
    return Scope(session, caller, within_days, today, now, stored)


def headline_figures(scope: Scope) -> Headlines:
    if scope.computed is None:
        return headlines(scope.session, scope.caller, today=scope.today)
    return daily.stored_headlines(scope.session, scope.caller)


def status_name(status: str) -> str:
    return str(status).replace("-", " ").capitalize()


def status_rows(scope: Scope) -> list[tuple[Any, int]]:
    """(status, devices), most devices first."""
    if scope.computed is None:
        rows = [
            (row.status, int(row.devices))
            for row in scope.session.execute(devices_by_status(scope.caller))
        ]
    else:
        rows = daily.stored_by_status(scope.session, scope.caller)
    return sorted(rows, key=lambda row: (-row[1], str(row[0])))


def ending_months(scope: Scope) -> list[EndingMonth]:
    """Every month of the window with what ends in it."""
    if scope.computed is None:
        return ending_by_month(
            scope.session, scope.caller, within_days=scope.within_days, today=scope.today
        )
    return daily.stored_ending_by_month(
        scope.session, scope.caller, within_days=scope.within_days, as_of=scope.computed.as_of
    )


def status_table(scope: Scope) -> Table:
    ordered = status_rows(scope)
    return Table(
        name="devices-by-status",
        caption="Devices by status",
        columns=(Column("status", "Status"), Column("devices", "Devices", COUNT)),
        rows=[
            (status_name(getattr(status, "value", status)), int(devices))
            for status, devices in ordered
        ],
    )


def ending_table(scope: Scope) -> Table:
    months = ending_months(scope)
    return Table(
        name=f"ending-by-month-{scope.within_days}-days",
        caption=f"What ends in the next {scope.within_days} days, by month",
        columns=(
            Column("month", "Month", MONTH),
            Column("devices_cover_ending", "Devices whose cover ends", COUNT),
            Column("licences_ending", "Licences ending", COUNT),
            Column("licence_seats_ending", "Licence seats in use on them", COUNT),
            Column("sims_ending", "SIM contracts ending", COUNT),
            Column("devices_updates_ending", "Devices whose security updates end", COUNT),
        ),
        rows=[
            (
                month.month,
                month.devices_cover_ending,
                month.licences_ending,
                month.licence_seats_ending,
                month.sims_ending,
                month.devices_updates_ending,
            )
            for month in months
        ],
    )


def nearing_end_of_updates(scope: Scope) -> int:
    """Devices whose security updates end within the window: each falls in one of its months."""
    return sum(month.devices_updates_ending for month in ending_months(scope))


def updates_school_rows(scope: Scope) -> list[SchoolUpdates]:
    """Each school (and the council) with devices past or nearing their end of updates."""
    if scope.computed is None:
        statement = updates_by_school(
            scope.caller, within_days=scope.within_days, today=scope.today
        )
    else:
        statement = daily.stored_updates_by_school(scope.caller, within_days=scope.within_days)
    return school_rows(scope.session, statement)


def updates_table(scope: Scope) -> Table:
    return Table(
        name="end-of-updates-by-school",
        caption=f"Devices past or within {scope.within_days} days of their end of updates, "
        "by school",
        columns=(
            Column("school", "School"),
            Column("past_end_of_updates", "Past end of updates", COUNT),
            Column("updates_ending", f"Updates end in the next {scope.within_days} days", COUNT),
        ),
        rows=[
            (
                Named(row.organisation_id, row.organisation),
                row.past_end_of_updates,
                row.updates_ending,
            )
            for row in updates_school_rows(scope)
        ],
    )


def sla_table(scope: Scope) -> Table:
    counts = sla_counts(scope.session, scope.caller, now=scope.now)
    return Table(
        name="open-tickets-by-sla-state",
        caption="Open tickets by SLA state",
        columns=(Column("sla_state", "SLA state"), Column("tickets", "Open tickets", COUNT)),
        rows=[(SLA_STATE_NAMES[state], tickets) for state, tickets in counts],
    )


def _tickets_table(scope: Scope, by: str, label: str) -> Table:
    counts = ticket_counts(scope.session, scope.caller, by)  # type: ignore[arg-type]
    return Table(
        name=f"tickets-by-{by}",
        caption=f"Tickets by {by}",
        columns=(
            Column(by, label),
            *((Column("language_code", "Code"),) if by == "language" else ()),
            Column("open", "Open", COUNT),
            Column("total", "All tickets", COUNT),
        ),
        rows=[
            (count.name, *((count.key,) if by == "language" else ()), count.open, count.total)
            for count in counts
        ],
    )


def language_table(scope: Scope) -> Table:
    return _tickets_table(scope, "language", "Language")


def category_table(scope: Scope) -> Table:
    return _tickets_table(scope, "category", "Category")


def forecast_table(forecast: Forecast) -> Table:
    return Table(
        name="cost-forecast",
        caption="Cost forecast by month",
        columns=(
            Column("month", "Month", MONTH),
            Column("devices_leaving", "Devices leaving central cover", COUNT),
            Column("with_dongle", "Of which with a dongle", COUNT),
            Column("added_monthly_cost", "Added to the monthly cost", MONEY),
            Column("running_monthly_cost", "Cost that month", MONEY),
            Column("spent_so_far", "Spent so far", MONEY),
            Column("updates_ending", "Devices whose security updates end", COUNT),
            Column("replacement_cost", "Replacing them", MONEY),
        ),
        rows=[
            (
                month.month,
                month.devices_leaving,
                month.with_dongle,
                month.added_monthly_cost,
                month.running_monthly_cost,
                month.spent_so_far,
                month.updates_ending,
                month.replacement_cost,
            )
            for month in forecast.months
        ],
    )


def incidents_by_school(scope: Scope) -> Table:
    """Damage, loss and theft per school, and the families they touched."""
    if scope.computed is None:
        counts = incident_counts(scope.caller, today=scope.today)
    else:
        counts = stored_counts(scope.caller)
    return incidents_table(scope.session, counts)


OVERVIEW_TABLES: dict[str, Callable[[Scope], Table]] = {
    "devices-by-status": status_table,
    "ending-by-month": ending_table,
    "end-of-updates-by-school": updates_table,
    "incidents-by-school": incidents_by_school,
    "open-tickets-by-sla-state": sla_table,
    "tickets-by-language": language_table,
    "tickets-by-category": category_table,
}
