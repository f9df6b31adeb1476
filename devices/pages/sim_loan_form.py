"""Lending a SIM to a family from the family's page: the school's free SIMs to choose from,
the plan, where it came from, the day, and the PIN and PUK from its card."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.models import Family, SimSource
from devices.pages.sim_loans import PLANS
from devices.service import sim_loans
from devices.service.families import get_family
from devices.sim_loan_schemas import SimLoanCreate
from dfc import clock
from dfc.caller import Caller
from dfc.errors import DomainError, InvalidInput
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, problems_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
SOURCES = {SimSource.NETWORK.value: "A mobile network", SimSource.DATA_BANK.value: "A data bank"}
FIELDS = ("sim_id", "plan", "source", "pin", "puk")


def _form(
    request: Request,
    session: Session,
    caller: Caller,
    family: Family,
    *,
    values: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    today = clock.today()
    return render(
        request,
        "devices/sim_loan_form.html",
        {
            "family": family,
            "sims": sim_loans.free_sims(
                session, caller=caller, school_id=family.school_id, today=today
            ),
            "plans": PLANS,
            "sources": SOURCES,
            "values": values
            or {
                "allocated_on-day": today.day,
                "allocated_on-month": today.month,
                "allocated_on-year": today.year,
            },
            "field_errors": field_errors or {},
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/families/{family_id}/sim-loan")
def lend_form(
    request: Request, family_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    family = get_family(session, caller=caller, family_id=family_id)
    return _form(request, session, caller, family)


@router.post("/families/{family_id}/sim-loan")
async def lend(
    request: Request, _csrf: CsrfChecked, family_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    family = get_family(session, caller=caller, family_id=family_id)
    values = values_of(await request.form())
    allocated_on, date_problem = date_of(values, "allocated_on", "The day it was lent")
    shown = {name: (values.get(name) or "").strip() for name in FIELDS}
    try:
        if date_problem:
            raise InvalidInput(date_problem, field="allocated_on")
        loan_in = SimLoanCreate(
            family_id=family.id,
            allocated_on=allocated_on,
            **{name: value for name, value in shown.items() if value},
        )
        loan = sim_loans.lend_sim(session, caller=caller, loan_in=loan_in)
    except ValidationError as error:
        errors = problems_of(
            error,
            {
                "sim_id": "Choose the SIM",
                "pin": "Enter the PIN as 4 to 8 digits",
                "puk": "Enter the PUK as 8 digits",
            },
        )
    except DomainError as error:
        errors = problem_of(error)
    else:
        session.commit()
        return RedirectResponse(f"/sim-loans/{loan.id}", status_code=303)
    session.rollback()
    values = {**values, **shown}
    return _form(
        request, session, caller, family, values=values, field_errors=errors, status_code=400
    )
