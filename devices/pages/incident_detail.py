"""One incident: what happened, its files, loaner, warranty claim, disabling in the manager,
a council's charge and waiver, and the forms for each step. Another organisation's
incident (or file) is a 404."""

from collections.abc import Callable
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.models import Role
from accounts.staff import SchoolStaff
from devices.incident_schemas import ChargeCreate, ChargeWaiver, IncidentUpdate
from devices.models import Incident
from devices.pages import incident_labels as labels
from devices.service import incident_files, incidents, loaners, registry
from devices.service.access import organisation_names
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import DomainError, InvalidInput, NotFound
from dfc.settings import get_settings
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, problems_of, values_of
from dfc.web.stored_files import file_response
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
DATED = ("loaner", "swap-back", "disabled", "charge", "waiver", "close")
Step = Callable[[Session, Caller, Incident, date | None, dict[str, Any]], Any]


def _pence(text: str | None) -> int:
    try:
        return round(float((text or "").replace("£", "").replace(",", "")) * 100)
    except ValueError:
        raise InvalidInput("Enter the charge in pounds, like 25.00", field="amount") from None


def _details(
    session: Session, caller: Caller, incident: Incident, _on: date | None, values: dict
) -> Any:
    changes = IncidentUpdate(
        **{
            name: values.get(name)
            for name in (
                "crime_reference",
                "insurance_reference",
                "warranty_supplier",
                "warranty_reference",
            )
        },
        responsible_party=values.get("responsible_party") or incident.responsible_party,
        warranty_status=values.get("warranty_status") or incident.warranty_status,
    )
    return incidents.update_incident(
        session, caller=caller, incident_id=incident.id, changes=changes
    )


def _loaner(
    session: Session, caller: Caller, incident: Incident, on: date | None, values: dict
) -> Any:
    serial = (values.get("loaner_serial") or "").replace(" ", "").upper()
    found = registry.visible_devices(
        caller, registry.DeviceFilters(serial_number=serial), today=today()
    )
    loaner = session.exec(found).first() if serial else None
    if loaner is None:
        raise InvalidInput("Enter the serial number of a device in your stock", field="loaner")
    return loaners.issue_loaner(
        session, caller=caller, incident_id=incident.id, loaner_device_id=loaner.id, on=on
    )


STEPS: dict[str, Step] = {
    "details": _details,
    "loaner": _loaner,
    "swap-back": lambda s, c, i, on, _v: loaners.swap_back(s, caller=c, incident_id=i.id, on=on),
    "disabled": lambda s, c, i, on, _v: incidents.disable_in_manager(
        s, caller=c, incident_id=i.id, on=on
    ),
    "charge": lambda s, c, i, on, v: incidents.charge_family(
        s,
        caller=c,
        incident_id=i.id,
        charge_in=ChargeCreate(
            amount_pence=_pence(v.get("amount")), reason=v.get("reason") or "", on=on
        ),
    ),
    "waiver": lambda s, c, i, on, v: incidents.waive_charge(
        s, caller=c, incident_id=i.id, waiver_in=ChargeWaiver(reason=v.get("reason") or "", on=on)
    ),
    "close": lambda s, c, i, on, _v: incidents.close_incident(s, caller=c, incident_id=i.id, on=on),
}


def _page(
    request: Request,
    session: Session,
    caller: Caller,
    incident: Incident,
    *,
    open_step: str | None = None,
    values: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    day = today()
    dates = {
        f"{slug}-on-{part}": str(getattr(day, part))
        for slug in DATED
        for part in ("day", "month", "year")
    }
    ids = {incident.device_id} | (
        {incident.loaner_device_id} if incident.loaner_device_id else set()
    )
    return render(
        request,
        "devices/incident.html",
        {
            "incident": incident,
            "files": incident_files.files_of(session, [incident.id]).get(incident.id, []),
            "serials": registry.serial_numbers(session, caller, ids),
            "holder": organisation_names(session, caller, {incident.holder_id}).get(
                incident.holder_id, ""
            ),
            "labels": labels,
            "is_council": caller.has_role(Role.COUNCIL_OFFICER),
            "open_step": open_step,
            "values": dates | (values or {}),
            "field_errors": field_errors or {},
            "done": request.query_params.get("done"),
            "max_size": get_settings().MEDIA_MAX_BYTES,
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/incidents/{incident_id}")
def incident_page(
    request: Request, incident_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    incident = incidents.get_incident(session, caller=caller, incident_id=incident_id)
    return _page(request, session, caller, incident)


@router.post("/incidents/{incident_id}/steps/{slug}")
async def incident_step(
    request: Request,
    _csrf: CsrfChecked,
    incident_id: int,
    slug: str,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    step = STEPS.get(slug)
    if step is None:
        raise NotFound(f"There is no step called {slug!r}")
    incident = incidents.get_incident(session, caller=caller, incident_id=incident_id)
    values = values_of(await request.form())
    on, problem = date_of(values, f"{slug}-on", "The date") if slug in DATED else (None, None)
    errors = {f"{slug}-on": problem} if problem else {}
    status_code = 400
    if not errors:
        try:
            step(session, caller, incident, on, values)
            session.commit()
            return RedirectResponse(f"/incidents/{incident.id}?done={slug}", status_code=303)
        except ValidationError as error:
            errors = {f"{slug}-{key}": text for key, text in problems_of(error).items()}
        except DomainError as refused:
            status_code = refused.status_code
            errors = {f"{slug}-{key}": text for key, text in problem_of(refused).items()}
        session.rollback()
        incident = incidents.get_incident(session, caller=caller, incident_id=incident_id)
    shown = {key: value for key, value in values.items() if isinstance(value, str)}
    return _page(
        request,
        session,
        caller,
        incident,
        open_step=slug,
        values=shown,
        field_errors=errors,
        status_code=status_code,
    )


@router.post("/incidents/{incident_id}/files")
async def upload_file(
    request: Request, _csrf: CsrfChecked, incident_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    """A photo or PDF from the page, checked and stored like the API's."""
    incident = incidents.get_incident(session, caller=caller, incident_id=incident_id)
    form = await request.form()
    upload = form.get("file")
    data = b""
    declared = None
    if upload is not None and not isinstance(upload, str):
        data = await upload.read(get_settings().MEDIA_MAX_BYTES + 1)
        declared = upload.content_type
    try:
        incident_files.add_file(
            session, caller=caller, incident_id=incident.id, data=data, declared_type=declared
        )
        session.commit()
        return RedirectResponse(f"/incidents/{incident.id}?done=file#files", status_code=303)
    except DomainError as refused:
        session.rollback()
        incident = incidents.get_incident(session, caller=caller, incident_id=incident_id)
        return _page(
            request,
            session,
            caller,
            incident,
            field_errors={"file": refused.message},
            status_code=refused.status_code,
        )


@router.get("/incidents/{incident_id}/files/{file_id}")
def read_file(
    request: Request,
    incident_id: int,
    file_id: int,
    session: SessionDep,
    caller: SchoolStaff,
    thumbnail: bool = False,
) -> Response:
    return file_response(
        incident_files.open_file(
            session,
            caller=caller,
            incident_id=incident_id,
            file_id=file_id,
            seen=Where.of(request),
            thumbnail=thumbnail,
        )
    )
