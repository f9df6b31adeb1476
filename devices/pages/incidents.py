"""Incident pages: the list (filtered, sorted, paged, CSV like every list) and recording a
new incident from a device's page. Rules live in devices.service.incidents."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.api.incidents import CSV_COLUMNS
from devices.incident_schemas import IncidentCreate
from devices.models import Device, IncidentKind, IncidentStatus, WarrantyStatus
from devices.pages.incident_labels import KINDS, PARTIES, STATUSES, WARRANTY
from devices.service import incidents, registry
from devices.service.access import organisation_names, schools_reached
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import DomainError
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, problems_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
MESSAGES = {
    "kind": "Choose damage, loss or theft",
    "description": "Say what happened, in up to 2,000 characters",
    "crime_reference": "The crime reference can be up to 50 characters",
    "insurance_reference": "The insurance reference can be up to 50 characters",
}


@router.get("/incidents")
def incidents_page(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    kind: IncidentKind | None = None,
    status: IncidentStatus | None = None,
    school: int | None = None,
    warranty: WarrantyStatus | None = None,
    device: Annotated[int | None, Query(ge=1)] = None,
    family: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    filters = incidents.IncidentFilters(
        kind=kind,
        status=status,
        school_id=school,
        warranty_status=warranty,
        device_id=device,
        family_id=family,
    )
    found = listing(
        session,
        incidents.visible_incidents(caller, filters),
        paging,
        sortable=incidents.SORTABLE,
        default_sort="-happened_on",
        columns=CSV_COLUMNS,
        filename="incidents.csv",
    )
    if isinstance(found, Response):
        return found
    rows = list(found.items)
    device_ids = {row.device_id for row in rows} | {
        row.loaner_device_id for row in rows if row.loaner_device_id
    }
    return render(
        request,
        "devices/incidents.html",
        {
            "found": found,
            "rows": rows,
            "serials": registry.serial_numbers(session, caller, device_ids),
            "names": organisation_names(session, caller, {row.holder_id for row in rows}),
            "filters": filters,
            "schools": schools_reached(session, caller),
            "kinds": KINDS,
            "statuses": STATUSES,
            "warranty": WARRANTY,
        },
        caller=caller,
        staff=True,
    )


def _new_page(
    request: Request,
    session: Session,
    caller: Caller,
    device: Device,
    *,
    values: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "devices/incident_new.html",
        {
            "device": device,
            "values": values or {},
            "field_errors": field_errors or {},
            "kinds": KINDS,
            "parties": PARTIES,
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/devices/{device_id}/incidents/new")
def new_incident_page(
    request: Request, device_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    device = registry.get_device(session, caller=caller, device_id=device_id)
    day = today()
    values = {
        "happened_on-day": day.day,
        "happened_on-month": day.month,
        "happened_on-year": day.year,
    }
    return _new_page(request, session, caller, device, values=values)


@router.post("/devices/{device_id}/incidents")
async def record_incident(
    request: Request, _csrf: CsrfChecked, device_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    device = registry.get_device(session, caller=caller, device_id=device_id)
    values = values_of(await request.form())
    happened_on, problem = date_of(values, "happened_on", "The date it happened")
    errors = {"happened_on": problem} if problem else {}
    status_code = 400
    try:
        incident_in = IncidentCreate(
            device_id=device.id,
            kind=values.get("kind") or "",
            happened_on=happened_on or today(),
            description=values.get("description") or "",
            crime_reference=values.get("crime_reference"),
            insurance_reference=values.get("insurance_reference"),
            responsible_party=values.get("responsible_party") or "unknown",
            send_to_repair=values.get("send_to_repair") == "yes",
        )
    except ValidationError as error:
        errors = problems_of(error, MESSAGES) | errors
    if not errors:
        try:
            incident = incidents.record_incident(session, caller=caller, incident_in=incident_in)
            session.commit()
            return RedirectResponse(f"/incidents/{incident.id}?done=recorded", status_code=303)
        except DomainError as refused:
            session.rollback()
            errors, status_code = problem_of(refused), refused.status_code
            device = registry.get_device(session, caller=caller, device_id=device_id)
    shown = {key: value for key, value in values.items() if isinstance(value, str)}
    return _new_page(
        request, session, caller, device, values=shown, field_errors=errors, status_code=status_code
    )
