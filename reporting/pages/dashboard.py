"""The council dashboard: devices by status, what ends in the next 30, 90 or 180 days,
the long lists, ticket load, and the cost forecast. Every table downloads as CSV."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts.deps import SessionDep
from accounts.staff import CouncilStaff
from dfc.clock import today
from dfc.db_types import utcnow
from dfc.errors import NotFound
from dfc.web.templating import render
from reporting.dashboard.ending import DEFAULT_WINDOW
from reporting.dashboard.overview import (
    OVERVIEW_TABLES,
    figures_scope,
    headline_figures,
    nearing_end_of_updates,
)
from reporting.dashboard.safeguarding import safeguarding_line
from reporting.pages import dashboard_lists as list_pages
from reporting.pages import forecast as forecast_pages
from reporting.pages.common import (
    CouncilParam,
    DaysParam,
    checked_days,
    computed_text,
    page_context,
)
from reporting.pages.count_links import linked_tables

router = APIRouter(include_in_schema=False)

CHARTS = {
    "devices-by-status": [("devices", "Devices by status")],
    "ending-by-month": [
        ("devices_cover_ending", "Devices whose cover ends, by month"),
        ("licence_seats_ending", "Licence seats ending, by month"),
        ("sims_ending", "SIM contracts ending, by month"),
        ("devices_updates_ending", "Devices whose security updates end, by month"),
    ],
    "end-of-updates-by-school": [("past_end_of_updates", "Devices past end of updates, by school")],
    "incidents-by-school": [("still_open", "Open incidents, by school")],
    "open-tickets-by-sla-state": [("tickets", "Open tickets by SLA state")],
    "tickets-by-language": [("open", "Open tickets by language")],
    "tickets-by-category": [("open", "Open tickets by category")],
}


@router.get("/dashboard")
def dashboard(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    council: CouncilParam = None,
    days: DaysParam = DEFAULT_WINDOW,
) -> Response:
    days = checked_days(days)
    scope, context = page_context(session, caller, council, days)
    figures = figures_scope(session, scope.caller, within_days=days, today=today(), now=utcnow())
    tables = {name: build(figures) for name, build in OVERVIEW_TABLES.items()}
    tables = linked_tables(tables, scope, caller, days)
    charts = {
        name: [tables[name].chart(key, title=title) for key, title in CHARTS[name]]
        for name in tables
    }
    context |= {
        "headlines": headline_figures(figures),
        "nearing_end_of_updates": nearing_end_of_updates(figures),
        "computed": computed_text(figures.computed),
        "tables": tables,
        "charts": charts,
        "safeguarding": safeguarding_line(session, scope),
    }
    return render(request, "reporting/dashboard_overview.html", context, caller=caller, staff=True)


@router.get("/dashboard/{table}.csv")
def dashboard_table_csv(
    table: str,
    session: SessionDep,
    caller: CouncilStaff,
    council: CouncilParam = None,
    days: DaysParam = DEFAULT_WINDOW,
) -> Response:
    """One of the dashboard's tables as CSV, for the same council and window."""
    days = checked_days(days)
    if table == forecast_pages.FORECAST_TABLE:
        return forecast_pages.forecast_csv(session, caller, council)
    build = OVERVIEW_TABLES.get(table)
    if build is None:
        raise NotFound(f"No dashboard table called {table!r}")
    scope, _context = page_context(session, caller, council, days)
    figures = figures_scope(session, scope.caller, within_days=days, today=today(), now=utcnow())
    return build(figures).csv()


router.include_router(list_pages.router)
router.include_router(forecast_pages.router)
