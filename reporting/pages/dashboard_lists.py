"""The dashboard's long lists, each paged and sorted in the URL and downloadable whole as
CSV (?format=csv): what ends by school, devices short of three years' cover, SIMs at their
data cap, and unmet demand by school."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import Select

from accounts.deps import SessionDep
from accounts.staff import CouncilStaff
from dfc.clock import today
from dfc.listing import Page
from dfc.paging import PagingDep, listing
from dfc.web.templating import render
from reporting.dashboard.ending import DEFAULT_WINDOW, ending_by_school
from reporting.dashboard.figures import (
    AT_CAP_PERCENT,
    short_of_cover,
    sims_at_cap,
    unmet_demand_by_school,
)
from reporting.dashboard.scope import DashboardScope
from reporting.dashboard.tables import COUNT, DAY, PERCENT, TEXT, Column, Table
from reporting.pages.common import CouncilParam, DaysParam, checked_days, page_context

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class DashboardList:
    """A list page: its heading, the query behind it, and the columns it shows."""

    slug: str
    title: str
    intro: str
    noun: str
    statement: Callable[[DashboardScope, int], Select[Any]]
    columns: Sequence[Column]
    default_sort: str
    tiebreak: str
    uses_days: bool = False


LISTS = {
    "schools": DashboardList(
        slug="schools",
        title="What ends soon, by school",
        intro="Each school (and the council, for what it holds itself) with devices whose "
        "cover ends, licences or SIM contracts ending in the window.",
        noun="schools",
        statement=lambda scope, days: ending_by_school(
            scope.caller, within_days=days, today=today()
        ),
        columns=(
            Column("organisation", "School"),
            Column("devices_cover_ending", "Devices whose cover ends", COUNT),
            Column("licences_ending", "Licences ending", COUNT),
            Column("licence_seats_ending", "Licence seats in use on them", COUNT),
            Column("sims_ending", "SIM contracts ending", COUNT),
        ),
        default_sort="-devices_cover_ending",
        tiebreak="organisation_id",
        uses_days=True,
    ),
    "short-of-cover": DashboardList(
        slug="short-of-cover",
        title="Devices short of three years' cover",
        intro="Devices in service whose licences, or whose dongle's connectivity, do not "
        "reach three years from when the device arrived. None means no cover at all.",
        noun="devices",
        statement=lambda scope, _days: short_of_cover(scope.caller),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("received_on", "Arrived", DAY),
            Column("cover_needed_until", "Cover needed until", DAY),
            Column("licence_cover_until", "Licences until", DAY),
            Column("connectivity_cover_until", "Connectivity until", DAY),
        ),
        default_sort="cover_needed_until",
        tiebreak="device_id",
    ),
    "sims-at-cap": DashboardList(
        slug="sims-at-cap",
        title="SIMs at their data cap",
        intro=f"SIMs that have used {AT_CAP_PERCENT}% or more of this month's data allowance.",
        noun="SIMs",
        statement=lambda scope, _days: sims_at_cap(scope.caller, today=today()),
        columns=(
            Column("iccid", "SIM (ICCID)"),
            Column("school", "School"),
            Column("used_mb", "Used this month (MB)", COUNT),
            Column("gb_per_month", "Allowance (GB a month)", TEXT),
            Column("percent_used", "Share used", PERCENT),
        ),
        default_sort="-percent_used",
        tiebreak="sim_id",
    ),
    "unmet-demand": DashboardList(
        slug="unmet-demand",
        title="Unmet demand, by school",
        intro="Devices schools asked for and have not received (declined requests count: "
        "the need was real).",
        noun="schools",
        statement=lambda scope, _days: unmet_demand_by_school(scope.caller),
        columns=(
            Column("school", "School"),
            Column("unmet", "Devices not provided", COUNT),
            Column("requests", "Requests", COUNT),
        ),
        default_sort="-unmet",
        tiebreak="school_id",
    ),
}


def _list_page(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
    council: CouncilParam,
    days: int,
    spec: DashboardList,
) -> Response:
    days = checked_days(days)
    scope, context = page_context(session, caller, council, days)
    statement = spec.statement(scope, days)
    by_name = {column.name: column for column in statement.selected_columns}
    keys = [column.key for column in spec.columns]
    result = listing(
        session,
        statement,
        paging,
        sortable={key: by_name[key] for key in keys},
        default_sort=spec.default_sort,
        columns=keys,
        filename=f"{spec.slug}.csv",
        tiebreak=[by_name[spec.tiebreak]],
    )
    if not isinstance(result, Page):
        return result
    table = Table(
        name=spec.slug,
        caption=spec.title,
        columns=spec.columns,
        rows=[[row._mapping[key] for key in keys] for row in result.items],
    )
    context |= {"spec": spec, "page": result, "table": table, "default_sort": spec.default_sort}
    return render(request, "reporting/dashboard_list.html", context, caller=caller, staff=True)


def _route(spec: DashboardList) -> None:
    def page(
        request: Request,
        session: SessionDep,
        caller: CouncilStaff,
        paging: PagingDep,
        council: CouncilParam = None,
        days: DaysParam = DEFAULT_WINDOW,
    ) -> Response:
        return _list_page(request, session, caller, paging, council, days, spec)

    page.__name__ = f"dashboard_{spec.slug.replace('-', '_')}"
    router.add_api_route(f"/dashboard/{spec.slug}", page, methods=["GET"])


for _spec in LISTS.values():
    _route(_spec)
