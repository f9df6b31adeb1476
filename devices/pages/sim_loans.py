"""SIM-only loans and the connection-routes report, as staff pages: lists filtered, sorted,
paged and exported as CSV like every list; a loan's page, whose PIN and PUK are shown only
when asked (a POST, so a link or prefetch never reveals them) and recorded in the audit."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.connection_routes import Route
from devices.models import Sim, SimPlan
from devices.service import connection_routes, sim_loans
from devices.service.access import organisation_names, schools_reached
from dfc.audit.seen import SeenAt
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
ROUTES = {
    Route.DONGLE.value: "Dongle",
    Route.SIM_ONLY.value: "SIM-only loan",
    Route.NONE.value: "Not connected",
}
PLANS = {SimPlan.DATA_ONLY.value: "Data only", SimPlan.DATA_AND_CALLS.value: "Data and calls"}


@router.get("/sim-loans")
def sim_loans_page(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    school: int | None = None,
    family: int | None = None,
    plan: SimPlan | None = None,
    open: bool = False,
) -> Response:
    statement = sim_loans.sim_loan_rows(
        caller, school_id=school, family_id=family, plan=plan, open_only=open
    )
    found = listing(
        session,
        statement,
        paging,
        sortable=sim_loans.SORTABLE,
        default_sort="-allocated_on",
        columns=sim_loans.CSV_COLUMNS,
        filename="sim-loans.csv",
    )
    if isinstance(found, Response):
        return found
    rows = [row._mapping for row in found.items]
    return render(
        request,
        "devices/sim_loans.html",
        {
            "found": found,
            "rows": rows,
            "names": organisation_names(session, caller, {row["school_id"] for row in rows}),
            "schools": schools_reached(session, caller),
            "plans": PLANS,
            "filters": {"school": school, "plan": plan.value if plan else None, "open": open},
        },
        caller=caller,
        staff=True,
    )


def _loan_page(
    request: Request, session: SessionDep, caller: SchoolStaff, loan_id: int, codes=None
) -> Response:
    loan = sim_loans.get_sim_loan(session, caller=caller, loan_id=loan_id)
    return render(
        request,
        "devices/sim_loan.html",
        {
            "loan": loan,
            "sim": session.get(Sim, loan.sim_id),
            "plans": PLANS,
            "codes": codes,
            "may_see_codes": caller.has_role(*sim_loans.CODE_READERS),
        },
        caller=caller,
        staff=True,
    )


@router.get("/sim-loans/{loan_id}")
def sim_loan_page(
    request: Request, loan_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    return _loan_page(request, session, caller, loan_id)


@router.post("/sim-loans/{loan_id}/codes")
def show_codes(
    request: Request,
    _csrf: CsrfChecked,
    loan_id: int,
    session: SessionDep,
    caller: SchoolStaff,
    seen: SeenAt,
) -> Response:
    """The SIM's PIN and PUK, on the loan's page, for this response only."""
    _sim_id, pin, puk = sim_loans.show_codes(session, caller=caller, loan_id=loan_id, seen=seen)
    return _loan_page(request, session, caller, loan_id, codes={"pin": pin, "puk": puk})


@router.get("/connection-routes")
def connection_routes_page(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    school: int | None = None,
) -> Response:
    found = connection_routes.list_routes_by_school(
        session, paging, caller=caller, school_id=school
    )
    if isinstance(found, Response):
        return found
    return render(
        request,
        "devices/connection_routes.html",
        {
            "found": found,
            "rows": [row._mapping for row in found.items],
            "schools": schools_reached(session, caller),
            "filters": {"school": school},
        },
        caller=caller,
        staff=True,
    )


@router.get("/connection-routes/families")
def connection_route_families_page(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    seen: SeenAt,
    school: int | None = None,
    route: Route | None = None,
) -> Response:
    found = connection_routes.list_families_by_route(
        session, paging, caller=caller, seen=seen, school_id=school, route=route
    )
    if isinstance(found, Response):
        return found
    rows = [row._mapping for row in found.items]
    return render(
        request,
        "devices/connection_route_families.html",
        {
            "found": found,
            "rows": rows,
            "names": organisation_names(session, caller, {row["school_id"] for row in rows}),
            "schools": schools_reached(session, caller),
            "routes": ROUTES,
            "filters": {"school": school, "route": route.value if route else None},
        },
        caller=caller,
        staff=True,
    )
