"""The connection-routes report, as lists and CSV: by school (counts only, no personal
data), and family by family (pupil references: recorded in the access audit)."""

from collections.abc import Sequence
from typing import Any

from fastapi.responses import StreamingResponse
from sqlmodel import Session

from devices.connection_routes import Route, families_report, routes_report
from dfc.audit.seen import Where
from dfc.audit.writer import record_listing
from dfc.caller import Caller
from dfc.listing import Page
from dfc.paging import Paging, listing

SCHOOL_COLUMNS = (
    "school_id",
    "school_name",
    "without_broadband",
    "dongle",
    "sim_only",
    "unconnected",
)
FAMILY_COLUMNS = ("id", "school_id", "pupil_reference", "year_group", "route")


def list_routes_by_school(
    session: Session, paging: Paging, *, caller: Caller, school_id: int | None = None
) -> Page[Any] | StreamingResponse:
    statement, sortable = routes_report(caller, school_id=school_id)
    return listing(
        session,
        statement,
        paging,
        sortable=sortable,
        default_sort="school_name",
        columns=SCHOOL_COLUMNS,
        filename="connection-routes.csv",
    )


def list_families_by_route(
    session: Session,
    paging: Paging,
    *,
    caller: Caller,
    seen: Where,
    school_id: int | None = None,
    route: Route | None = None,
    columns: Sequence[str] = FAMILY_COLUMNS,
) -> Page[Any] | StreamingResponse:
    """Families without broadband and how each is connected; the families shown (or
    exported) are recorded as read."""
    statement, sortable = families_report(caller, school_id=school_id, route=route)
    found = listing(
        session,
        statement,
        paging,
        sortable=sortable,
        default_sort="pupil_reference",
        columns=columns,
        filename="families-connection-routes.csv",
    )
    record_listing(session, caller, seen, found, statement)
    return found
