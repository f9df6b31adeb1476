"""Asking a network for more data on a family's own number, from the family's page (staff
confirm a family's own request, by text or on the help pages, here too)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.models import Family
from devices.service import uplifts
from devices.service.families import get_family, show_family
from devices.uplift_schemas import UpliftCreate
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.errors import DomainError
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of, problems_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
MESSAGES = {
    "network_id": "Choose the family's mobile network",
    "account_holder_name": "Enter the account holder's name",
    "phone_number": "Enter the mobile number to add data to",
    "contract_type": "Choose pay monthly or pay as you go",
    "data_gb": "Enter how many GB, a whole number from 1 to 200",
    "months": "Enter for how many months, from 1 to 24",
}
CONTRACTS = {"pay-monthly": "Pay monthly", "pay-as-you-go": "Pay as you go"}
SOURCES = {
    "staff": "The school or council",
    "family-text": "The family, by a text (confirmed by you)",
    "help-pages": "The family, on the help pages (confirmed by you)",
}


def _form(
    request: Request,
    session: Session,
    caller: Caller,
    family: Family,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "devices/uplift_new.html",
        {
            "family": family,
            "values": values,
            "field_errors": errors or {},
            "networks": {str(n.id): n.name for n in uplifts.networks(session)},
            "contracts": CONTRACTS,
            "sources": SOURCES,
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/families/{family_id}/uplifts/new")
def new_uplift_page(
    request: Request, family_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    family = show_family(session, caller=caller, family_id=family_id, seen=Where.of(request))
    values = {"phone_number": family.phone_number or "", "data_gb": "20", "months": "6"}
    return _form(request, session, caller, family, values)


@router.post("/families/{family_id}/uplifts")
async def ask_for_uplift(
    request: Request, _csrf: CsrfChecked, family_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    family = get_family(session, caller=caller, family_id=family_id)
    values = values_of(await request.form())
    errors: dict[str, str] = {}
    status_code = 400
    try:
        uplift_in = UpliftCreate(
            family_id=family_id,
            network_id=values.get("network_id") or 0,
            account_holder_name=values.get("account_holder_name") or "",
            phone_number=values.get("phone_number") or "",
            contract_type=values.get("contract_type") or "",
            data_gb=values.get("data_gb") or 0,
            months=values.get("months") or 0,
            source=values.get("source") or "staff",
        )
    except ValidationError as error:
        errors = problems_of(error, MESSAGES)
    if not errors:
        try:
            uplifts.create_uplift(session, caller=caller, uplift_in=uplift_in)
            session.commit()
            return RedirectResponse("/uplifts?done=asked", status_code=303)
        except DomainError as refused:
            session.rollback()
            errors, status_code = problem_of(refused), refused.status_code
            family = get_family(session, caller=caller, family_id=family_id)
    shown = {key: value for key, value in values.items() if isinstance(value, str)}
    return _form(request, session, caller, family, shown, errors, status_code)
