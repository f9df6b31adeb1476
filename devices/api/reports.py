"""Reports over the whole register (the council dashboard's and the alerts' queries):
each is one set-based query, scoped to the caller, paged or exported as CSV."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from sqlalchemy import Select

from accounts.deps import ApiCaller, SessionDep
from devices import queries
from dfc.clock import today
from dfc.listing import Page
from dfc.paging import Paging, PagingDep, listing

router = APIRouter(prefix="/api/reports", tags=["reports"])
WithinDays = Annotated[int, Query(ge=0, le=3650, description="from today")]


def _report(
    session: SessionDep, paging: Paging, statement: Select[Any], *, name: str, default_sort: str
) -> Any:
    columns = [column.name for column in statement.selected_columns]
    sortable = {column.name: column for column in statement.selected_columns}
    # Identifying columns (device_id, licence_id, ...; holder and status for stock) break
    # ties, so pages never overlap or skip.
    keys = [
        column
        for column in statement.selected_columns
        if column.name.endswith("_id") or column.name == "status"
    ]
    result = listing(
        session,
        statement,
        paging,
        sortable=sortable,
        default_sort=default_sort,
        columns=columns,
        filename=f"{name}.csv",
        tiebreak=keys,
    )
    if isinstance(result, Page):
        result.items = [dict(row._mapping) for row in result.items]
    return result


@router.get("/cover-ending", response_model=Page[dict[str, Any]])
def cover_ending(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, within_days: WithinDays = 90
):
    """Devices whose support ends within the days given, with nobody lined up after."""
    return _report(
        session,
        paging,
        queries.cover_ending(caller, within_days=within_days, today=today()),
        name="cover-ending",
        default_sort="ends_on",
    )


@router.get("/unsupported", response_model=Page[dict[str, Any]])
def unsupported(session: SessionDep, caller: ApiCaller, paging: PagingDep):
    """Devices in service that nobody supports today."""
    return _report(
        session,
        paging,
        queries.unsupported(caller, today=today()),
        name="unsupported",
        default_sort="device_id",
    )


@router.get("/licences-ending", response_model=Page[dict[str, Any]])
def licences_ending(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, within_days: WithinDays = 90
):
    """Licence terms ending soon and not yet renewed, with seats used and yearly cost."""
    return _report(
        session,
        paging,
        queries.licences_ending(caller, within_days=within_days, today=today()),
        name="licences-ending",
        default_sort="ends_on",
    )


@router.get("/connectivity-ending", response_model=Page[dict[str, Any]])
def connectivity_ending(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, within_days: WithinDays = 30
):
    """SIM contracts ending soon, with the dongle and device they serve."""
    return _report(
        session,
        paging,
        queries.dongle_contracts_ending(caller, within_days=within_days, today=today()),
        name="connectivity-ending",
        default_sort="contract_ends_on",
    )


@router.get("/data-allowance", response_model=Page[dict[str, Any]])
def data_allowance(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    percent: Annotated[int, Query(ge=1, le=1000)] = 80,
):
    """SIMs that have used at least this share of this month's allowance."""
    return _report(
        session,
        paging,
        queries.sims_over_allowance(caller, percent=percent, today=today()),
        name="data-allowance",
        default_sort="-percent_used",
    )


@router.get("/short-of-three-years", response_model=Page[dict[str, Any]])
def short_of_three_years(session: SessionDep, caller: ApiCaller, paging: PagingDep):
    """Devices whose licences or connectivity do not reach three years from handover."""
    return _report(
        session,
        paging,
        queries.short_of_three_year_cover(caller),
        name="short-of-three-years",
        default_sort="device_id",
    )


@router.get("/without-connectivity", response_model=Page[dict[str, Any]])
def without_connectivity(session: SessionDep, caller: ApiCaller, paging: PagingDep):
    """Devices with families who have no broadband and no dongle."""
    return _report(
        session,
        paging,
        queries.without_connectivity(caller),
        name="without-connectivity",
        default_sort="device_id",
    )


@router.get("/unmet-demand", response_model=Page[dict[str, Any]])
def unmet_demand(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    by: Literal["school", "council"] = "school",
):
    """Devices asked for and not provided, by school or by council."""
    return _report(
        session,
        paging,
        queries.unmet_demand(caller, by=by),
        name=f"unmet-demand-by-{by}",
        default_sort="-unmet",
    )


@router.get("/stock", response_model=Page[dict[str, Any]])
def stock(session: SessionDep, caller: ApiCaller, paging: PagingDep):
    """Devices each organisation holds, by status (family-owned devices are theirs)."""
    return _report(
        session, paging, queries.stock_by_status(caller), name="stock", default_sort="holder_id"
    )
