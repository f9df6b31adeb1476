"""SIM-only loans, a SIM's PIN and PUK, and how families without broadband are connected."""

from fastapi import APIRouter, status

from accounts.deps import ApiCaller, SessionDep
from devices.connection_routes import Route
from devices.models import SimPlan, SimSource
from devices.service import connection_routes, sim_loans
from devices.sim_loan_schemas import (
    ConnectionRoutes,
    FamilyRoute,
    SimCodesIn,
    SimCodesPublic,
    SimLoanCreate,
    SimLoanEnd,
    SimLoanPublic,
)
from dfc.audit.seen import SeenAt
from dfc.listing import Page
from dfc.paging import PagingDep, listing

router = APIRouter(prefix="/api", tags=["SIM-only loans"])
LOAN_COLUMNS = (
    "id",
    "sim_id",
    "family_id",
    "school_id",
    "plan",
    "source",
    "allocated_on",
    "returned_on",
    "return_reason",
)


@router.get("/sim-loans", response_model=Page[SimLoanPublic])
def list_sim_loans(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    school_id: int | None = None,
    family_id: int | None = None,
    open: bool = False,
    plan: SimPlan | None = None,
    source: SimSource | None = None,
):
    statement = sim_loans.visible_sim_loans(
        caller, school_id=school_id, family_id=family_id, open_only=open, plan=plan, source=source
    )
    return listing(
        session,
        statement,
        paging,
        sortable=sim_loans.SORTABLE,
        default_sort="-allocated_on",
        columns=LOAN_COLUMNS,
        filename="sim-loans.csv",
    )


@router.post("/sim-loans", status_code=status.HTTP_201_CREATED)
def lend_sim(loan_in: SimLoanCreate, session: SessionDep, caller: ApiCaller) -> SimLoanPublic:
    loan = sim_loans.lend_sim(session, caller=caller, loan_in=loan_in)
    session.commit()
    return SimLoanPublic.model_validate(loan)


@router.get("/sim-loans/{loan_id}")
def read_sim_loan(loan_id: int, session: SessionDep, caller: ApiCaller) -> SimLoanPublic:
    return SimLoanPublic.model_validate(
        sim_loans.get_sim_loan(session, caller=caller, loan_id=loan_id)
    )


@router.post("/sim-loans/{loan_id}/end")
def end_sim_loan(
    loan_id: int, end_in: SimLoanEnd, session: SessionDep, caller: ApiCaller
) -> SimLoanPublic:
    loan = sim_loans.end_sim_loan(session, caller=caller, loan_id=loan_id, end_in=end_in)
    session.commit()
    return SimLoanPublic.model_validate(loan)


@router.get("/sim-loans/{loan_id}/codes")
def show_codes(
    loan_id: int, session: SessionDep, caller: ApiCaller, seen: SeenAt
) -> SimCodesPublic:
    """The lent SIM's PIN and PUK: staff only, each showing in the access audit."""
    sim_id, pin, puk = sim_loans.show_codes(session, caller=caller, loan_id=loan_id, seen=seen)
    return SimCodesPublic(sim_id=sim_id, pin=pin, puk=puk)


@router.put("/sims/{sim_id}/codes", status_code=status.HTTP_204_NO_CONTENT)
def set_codes(sim_id: int, codes_in: SimCodesIn, session: SessionDep, caller: ApiCaller) -> None:
    sim_loans.set_codes(session, caller=caller, sim_id=sim_id, codes_in=codes_in)
    session.commit()


@router.get("/reports/connection-routes", response_model=Page[ConnectionRoutes])
def routes_by_school(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, school_id: int | None = None
):
    """Families recorded without home broadband, by school: how many have a dongle, a
    SIM-only loan, or nothing yet."""
    return connection_routes.list_routes_by_school(
        session, paging, caller=caller, school_id=school_id
    )


@router.get("/reports/connection-routes/families", response_model=Page[FamilyRoute])
def families_by_route(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    seen: SeenAt,
    school_id: int | None = None,
    route: Route | None = None,
):
    """Each family without home broadband and how it is connected (recorded as read)."""
    return connection_routes.list_families_by_route(
        session, paging, caller=caller, seen=seen, school_id=school_id, route=route
    )
