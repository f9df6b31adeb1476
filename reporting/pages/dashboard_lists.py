"""The dashboard's long lists, each paged and sorted in the URL and downloadable whole as
CSV (?format=csv): what ends by school, devices short of three years' cover, SIMs at their
data cap, unmet demand by school, and the rows behind each count on the dashboard (narrowed
in the URL to the month, school or status the count was for)."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from accounts.deps import SessionDep
from accounts.organisations import get_organisation
from accounts.staff import CouncilStaff
from devices.models import DeviceStatus
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import InvalidInput
from dfc.listing import Page
from dfc.paging import PagingDep, listing
from dfc.web.templating import render
from reporting.dashboard.drilldown import Narrowing
from reporting.dashboard.ending import DEFAULT_WINDOW, ending_by_school
from reporting.dashboard.figures import (
    AT_CAP_PERCENT,
    short_of_cover,
    sims_at_cap,
    unmet_demand_by_school,
)
from reporting.dashboard.months import month_name, month_start
from reporting.dashboard.overview import status_name
from reporting.dashboard.scope import DashboardScope
from reporting.dashboard.tables import COUNT, DAY, PERCENT, TEXT, Column, Table
from reporting.pages.common import CouncilParam, DaysParam, checked_days, list_link, page_context
from reporting.pages.count_lists import COUNT_LISTS, ENDING_LISTS
from reporting.pages.list_spec import DashboardList, device_link

router = APIRouter(include_in_schema=False)
MonthParam = Annotated[str | None, Query(alias="month")]
SchoolParam = Annotated[int | None, Query(alias="school", ge=1)]
StatusParam = Annotated[DeviceStatus | None, Query(alias="status")]
DongleParam = Annotated[bool, Query(alias="with_dongle")]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _school_links(row: Mapping[str, Any], link: Callable[..., str]) -> dict[str, str | None]:
    """Each of a school's counts, to the same list the dashboard's month counts open."""
    school = row["organisation_id"]
    return {key: link(slug, school=school) for key, slug in ENDING_LISTS.items()}


LISTS = {
    "schools": DashboardList(
        slug="schools",
        title="What ends soon, by school",
        intro="Each school (and the council, for what it holds itself) with devices whose "
        "cover ends, licences or SIM contracts ending in the window.",
        noun="schools",
        statement=lambda scope, narrowing: ending_by_school(
            scope.caller, within_days=narrowing.within_days, today=narrowing.today
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
        row_links=_school_links,
    ),
    "short-of-cover": DashboardList(
        slug="short-of-cover",
        title="Devices short of three years' cover",
        intro="Devices in service whose licences, or whose dongle's connectivity, do not "
        "reach three years from when the device arrived.",
        noun="devices",
        statement=lambda scope, _narrowing: short_of_cover(scope.caller),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("received_on", "Arrived", DAY),
            Column("cover_needed_until", "Cover needed until", DAY),
            Column("licence_cover_until", "Licences until", DAY, blank="No cover"),
            Column("connectivity_cover_until", "Connectivity until", DAY, blank="No cover"),
        ),
        default_sort="cover_needed_until",
        tiebreak="device_id",
        row_links=device_link,
    ),
    "sims-at-cap": DashboardList(
        slug="sims-at-cap",
        title="SIMs at their data cap",
        intro=f"SIMs that have used {AT_CAP_PERCENT}% or more of this month's data allowance.",
        noun="SIMs",
        statement=lambda scope, narrowing: sims_at_cap(scope.caller, today=narrowing.today),
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
        statement=lambda scope, _narrowing: unmet_demand_by_school(scope.caller),
        columns=(
            Column("school", "School"),
            Column("unmet", "Devices not provided", COUNT),
            Column("requests", "Requests", COUNT),
        ),
        default_sort="-unmet",
        tiebreak="school_id",
        # Devices not provided is a sum over requests, so only the requests count links.
        row_links=lambda row, _link: {"requests": f"/requests?school={row['school_id']}"},
    ),
    **COUNT_LISTS,
}


@dataclass(frozen=True)
class Asked:
    """What the URL narrows a list to, as given."""

    month: str | None = None
    school: int | None = None
    status: DeviceStatus | None = None
    with_dongle: bool = False


def _narrowing(
    session: SessionDep, scope: DashboardScope, spec: DashboardList, days: int, asked: Asked
) -> tuple[Narrowing, list[str]]:
    """The narrowing the list applies, and how its heading says so ('in January 2027')."""
    month = asked.month if "month" in spec.narrows_by else None
    school = asked.school if "school" in spec.narrows_by else None
    status = asked.status if "status" in spec.narrows_by else None
    said = []
    if month is not None:
        if not MONTH.match(month):
            raise InvalidInput("Give the month as YYYY-MM, for example 2027-01", field="month")
        said.append(f"in {month_name(month_start(month))}")
    if school is not None:
        organisation = get_organisation(session, caller=scope.caller, organisation_id=school)
        said.append(f"at {organisation.name}")
    if status is not None:
        said.insert(0, f"with the status {status_name(status.value).lower()}")
    with_dongle = asked.with_dongle and "with_dongle" in spec.narrows_by
    if with_dongle:
        said.insert(0, "with a dongle")
    narrowing = Narrowing(
        within_days=days,
        today=today(),
        month=month,
        holder_id=school,
        status=status,
        with_dongle=with_dongle,
    )
    return narrowing, said


def _list_page(
    request: Request,
    session: SessionDep,
    caller: Caller,
    paging: PagingDep,
    council: CouncilParam,
    days: int,
    spec: DashboardList,
    asked: Asked,
) -> Response:
    days = checked_days(days)
    scope, context = page_context(session, caller, council, days)
    narrowing, said = _narrowing(session, scope, spec, days, asked)
    school_id = narrowing.holder_id
    status_value = narrowing.status.value if narrowing.status else None
    statement = spec.statement(scope, narrowing)
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
    links: list[dict[str, str | None]] = []
    if spec.row_links is not None:

        def link(slug: str, **narrow: Any) -> str:
            return list_link(scope, caller, slug, days=days, **narrow)

        links = [spec.row_links(row._mapping, link) for row in result.items]
    table = Table(
        name=spec.slug,
        caption=spec.title,
        columns=spec.columns,
        rows=[[row._mapping[key] for key in keys] for row in result.items],
        links=links,
    )
    context |= {
        "spec": spec,
        "page": result,
        "table": table,
        "default_sort": spec.default_sort,
        "narrowed": " ".join(said),
        "kept": {
            "month": narrowing.month,
            "school": school_id,
            "status": status_value,
            "with_dongle": "true" if narrowing.with_dongle else None,
        },
    }
    return render(request, "reporting/dashboard_list.html", context, caller=caller, staff=True)


def _route(spec: DashboardList) -> None:
    def page(
        request: Request,
        session: SessionDep,
        caller: CouncilStaff,
        paging: PagingDep,
        council: CouncilParam = None,
        days: DaysParam = DEFAULT_WINDOW,
        month: MonthParam = None,
        school: SchoolParam = None,
        status: StatusParam = None,
        with_dongle: DongleParam = False,
    ) -> Response:
        asked = Asked(month=month, school=school, status=status, with_dongle=with_dongle)
        return _list_page(request, session, caller, paging, council, days, spec, asked)

    page.__name__ = f"dashboard_{spec.slug.replace('-', '_')}"
    router.add_api_route(f"/dashboard/{spec.slug}", page, methods=["GET"])


for _spec in LISTS.values():
    _route(_spec)
