"""The dashboard's long lists, each paged and sorted in the URL and downloadable whole as
CSV (?format=csv): what ends by school, devices short of three years' cover, SIMs at their
data cap, unmet demand by school, and the rows behind each count on the dashboard (narrowed
in the URL to the month, school or status the count was for)."""

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import Select

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
from reporting.dashboard import drilldown
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
from reporting.dashboard.tables import COUNT, DAY, NAME, PERCENT, TEXT, Column, Table
from reporting.pages.common import CouncilParam, DaysParam, checked_days, list_link, page_context

router = APIRouter(include_in_schema=False)
MonthParam = Annotated[str | None, Query(alias="month")]
SchoolParam = Annotated[int | None, Query(alias="school", ge=1)]
StatusParam = Annotated[DeviceStatus | None, Query(alias="status")]
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
# A row's links: (row, a function giving a list's URL for this council and window).
RowLinks = Callable[[Mapping[str, Any], Callable[..., str]], dict[str, str | None]]


@dataclass(frozen=True)
class DashboardList:
    """A list page: its heading, the query behind it, and the columns it shows."""

    slug: str
    title: str
    intro: str
    noun: str
    statement: Callable[[DashboardScope, Narrowing], Select[Any]]
    columns: Sequence[Column]
    default_sort: str
    tiebreak: str
    uses_days: bool = False
    narrows_by: frozenset[str] = frozenset()
    row_links: RowLinks | None = None


def _device_link(row: Mapping[str, Any], _link: Callable[..., str]) -> dict[str, str | None]:
    return {"serial_number": f"/devices/{row['device_id']}"}


def _school_links(row: Mapping[str, Any], link: Callable[..., str]) -> dict[str, str | None]:
    """Each of a school's counts, to the same list the dashboard's month counts open."""
    school = row["organisation_id"]
    return {key: link(slug, school=school) for key, slug in ENDING_LISTS.items()}


# Each "what ends" count and the list of what it counts.
ENDING_LISTS = {
    "devices_cover_ending": "cover-ending",
    "licences_ending": "licences-ending",
    "licence_seats_ending": "licence-seats-ending",
    "sims_ending": "sims-ending",
}
ENDING = frozenset({"month", "school"})


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
        "reach three years from when the device arrived. None means no cover at all.",
        noun="devices",
        statement=lambda scope, _narrowing: short_of_cover(scope.caller),
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
        row_links=_device_link,
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
    ),
    "devices-in-service": DashboardList(
        slug="devices-in-service",
        title="Devices in service",
        intro="Every device not lost, stolen or retired, whoever holds or owns it.",
        noun="devices",
        statement=lambda scope, _narrowing: drilldown.with_holder_name(
            drilldown.devices_in_service(scope.caller)
        ),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("status", "Status", NAME),
            Column("owner_kind", "Owned by", NAME),
        ),
        default_sort="serial_number",
        tiebreak="device_id",
        row_links=_device_link,
    ),
    "family-owned": DashboardList(
        slug="family-owned",
        title="Devices their families now own",
        intro="Devices whose ownership has passed to the child's family.",
        noun="devices",
        statement=lambda scope, _narrowing: drilldown.with_holder_name(
            drilldown.devices_families_own(scope.caller)
        ),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("status", "Status", NAME),
        ),
        default_sort="serial_number",
        tiebreak="device_id",
        row_links=_device_link,
    ),
    "devices": DashboardList(
        slug="devices",
        title="Devices held by schools and the council",
        intro="Devices the schools and the council hold; devices their families own are not here.",
        noun="devices",
        statement=lambda scope, narrowing: drilldown.held_devices(scope.caller, narrowing),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("status", "Status", NAME),
        ),
        default_sort="serial_number",
        tiebreak="device_id",
        narrows_by=frozenset({"status"}),
        row_links=_device_link,
    ),
    "cover-ending": DashboardList(
        slug="cover-ending",
        title="Devices whose cover ends",
        intro="Devices in service whose cover period ends with nobody lined up to take over.",
        noun="devices",
        statement=lambda scope, narrowing: drilldown.cover_ending_devices(scope.caller, narrowing),
        columns=(
            Column("serial_number", "Serial number"),
            Column("school", "School"),
            Column("ends_on", "Cover ends", DAY),
        ),
        default_sort="ends_on",
        tiebreak="device_id",
        uses_days=True,
        narrows_by=ENDING,
        row_links=_device_link,
    ),
    "licences-ending": DashboardList(
        slug="licences-ending",
        title="Licences ending",
        intro="Licence terms that end and have not been renewed.",
        noun="licences",
        statement=lambda scope, narrowing: drilldown.licences_ending(scope.caller, narrowing),
        columns=(
            Column("name", "Licence"),
            Column("school", "School"),
            Column("ends_on", "Ends", DAY),
            Column("seats", "Seats", COUNT),
            Column("seats_used", "Seats in use", COUNT),
        ),
        default_sort="ends_on",
        tiebreak="licence_id",
        uses_days=True,
        narrows_by=ENDING,
    ),
    "licence-seats-ending": DashboardList(
        slug="licence-seats-ending",
        title="Licence seats in use on licences ending",
        intro="Each device with a seat on a licence term that ends and has not been renewed.",
        noun="seats",
        statement=lambda scope, narrowing: drilldown.licence_seats_ending(scope.caller, narrowing),
        columns=(
            Column("serial_number", "Serial number"),
            Column("name", "Licence"),
            Column("school", "School"),
            Column("ends_on", "Licence ends", DAY),
        ),
        default_sort="ends_on",
        tiebreak="seat_id",
        uses_days=True,
        narrows_by=ENDING,
        row_links=_device_link,
    ),
    "sims-ending": DashboardList(
        slug="sims-ending",
        title="SIM contracts ending",
        intro="SIM contracts that end, with the device each SIM's dongle serves.",
        noun="SIMs",
        statement=lambda scope, narrowing: drilldown.sims_ending(scope.caller, narrowing),
        columns=(
            Column("iccid", "SIM (ICCID)"),
            Column("school", "School"),
            Column("contract_ends_on", "Contract ends", DAY),
            Column("device_serial_number", "Device"),
        ),
        default_sort="contract_ends_on",
        tiebreak="sim_id",
        uses_days=True,
        narrows_by=ENDING,
    ),
}


@dataclass(frozen=True)
class Asked:
    """What the URL narrows a list to, as given."""

    month: str | None = None
    school: int | None = None
    status: DeviceStatus | None = None


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
    narrowing = Narrowing(
        within_days=days, today=today(), month=month, holder_id=school, status=status
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
        "kept": {"month": narrowing.month, "school": school_id, "status": status_value},
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
    ) -> Response:
        asked = Asked(month=month, school=school, status=status)
        return _list_page(request, session, caller, paging, council, days, spec, asked)

    page.__name__ = f"dashboard_{spec.slug.replace('-', '_')}"
    router.add_api_route(f"/dashboard/{spec.slug}", page, methods=["GET"])


for _spec in LISTS.values():
    _route(_spec)
