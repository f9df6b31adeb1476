"""Asking for more devices, and councils deciding: each request with its status, filtered
and sorted in the URL; a school asks on a short form, a council approves, declines or
records what it delivered."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.models import Role
from accounts.staff import SchoolStaff
from devices.api.demand import CSV_COLUMNS
from devices.models import RequestStatus
from devices.pages import labels
from devices.schemas import DeviceRequestCreate, DeviceRequestDecision
from devices.service import demand
from devices.service.access import organisation_names, schools_reached
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import DomainError
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of, problems_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
DEFAULT_SORT = "-requested_on"
REQUEST_MESSAGES = {
    "school_id": "Choose the school",
    "kind": "Choose the kind of device",
    "quantity": "Enter how many devices, a whole number from 1",
    "reason": "Say why the school needs them, in 1000 characters or less",
    "quantity_fulfilled": "Enter how many were delivered, a whole number from 0",
    "status": "Choose a decision",
}


@router.get("/requests")
def request_list(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    status: RequestStatus | None = None,
    school: int | None = None,
) -> Response:
    found = listing(
        session,
        demand.visible_requests(caller, status=status, school_id=school),
        paging,
        sortable=demand.SORTABLE,
        default_sort=DEFAULT_SORT,
        columns=CSV_COLUMNS,
        filename="device-requests.csv",
    )
    if isinstance(found, Response):
        return found
    return render(
        request,
        "devices/register_requests.html",
        {
            "requests": found,
            "schools": schools_reached(session, caller),
            "school_names": organisation_names(session, caller, {r.school_id for r in found.items}),
            "status": status,
            "school": school,
            "statuses": labels.REQUEST_STATUS,
            "status_choices": labels.choices(labels.REQUEST_STATUS),
            "kinds": labels.DEVICE_KIND,
            "default_sort": DEFAULT_SORT,
            "done": request.query_params.get("done"),
        },
        caller=caller,
        staff=True,
    )


def _new_form(
    request: Request,
    session: Session,
    caller: Caller,
    values: dict[str, Any],
    field_errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "devices/register_request_new.html",
        {
            "values": values,
            "field_errors": field_errors,
            "schools": schools_reached(session, caller),
            "kind_choices": labels.choices(labels.DEVICE_KIND),
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/requests/new")
def new_request(request: Request, session: SessionDep, caller: SchoolStaff) -> Response:
    return _new_form(request, session, caller, {"kind": "laptop"}, {})


@router.post("/requests/new")
async def submit_request(
    request: Request, _csrf: CsrfChecked, session: SessionDep, caller: SchoolStaff
) -> Response:
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    schools = schools_reached(session, caller)
    if len(schools) == 1:
        values["school_id"] = str(schools[0].id)
    try:
        request_in = DeviceRequestCreate.model_validate(
            {**values, "requested_on": today(), "school_id": values.get("school_id") or 0}
        )
        demand.create_request(session, caller=caller, request_in=request_in)
        session.commit()
        return RedirectResponse("/requests?done=requested", status_code=303)
    except ValidationError as invalid:
        errors = problems_of(invalid, REQUEST_MESSAGES)
    except DomainError as refused:
        session.rollback()
        errors = problem_of(refused)
    return _new_form(request, session, caller, values, errors, status_code=400)


@router.post("/requests/{request_id}/decision")
async def decide(
    request: Request, _csrf: CsrfChecked, request_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    try:
        decision = DeviceRequestDecision.model_validate({**values, "on": today()})
        demand.decide_request(session, caller=caller, request_id=request_id, decision=decision)
        session.commit()
        return RedirectResponse("/requests?done=decided", status_code=303)
    except ValidationError as invalid:
        errors = problems_of(invalid, REQUEST_MESSAGES)
    except DomainError as refused:
        session.rollback()
        if refused.status_code in (403, 404):
            raise
        errors = problem_of(refused)
    found = demand.get_request(session, caller=caller, request_id=request_id)
    return render(
        request,
        "devices/register_request_decide.html",
        {
            "found": found,
            "field_errors": errors,
            "values": values,
            "statuses": labels.REQUEST_STATUS,
            "kinds": labels.DEVICE_KIND,
            "may_decide": caller.has_role(Role.COUNCIL_OFFICER, Role.SCHEME_ADMIN),
        },
        caller=caller,
        staff=True,
        status_code=400,
    )
