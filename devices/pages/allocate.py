"""Allocating a device (and its paired 4G dongle, or a free one) to a family: an existing
family of the device's school or a new one entered on the same form. The family and the
allocation are saved together or not at all; each wrong answer is explained beside its field."""

from datetime import date
from typing import Any

from babel import Locale
from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.models import Device
from devices.pages.loans import loan_dates_of
from devices.schemas import AllocationCreate, FamilyCreate, NewFamilyAllocation
from devices.service import end_of_updates, families, flows, lifecycle, pairing, registry
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import Conflict, DomainError
from dfc.i18n import LANGUAGES
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, problems_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
NEW_FAMILY = "new"
FAMILY_MESSAGES = {
    "pupil_reference": "Enter the pupil's reference from the school's records, up to 50 characters",
    "year_group": "Enter a year group from 0 (Reception) to 14",
    "phone_number": "Enter a UK mobile number, like 07700 900 982",
    "email": "Enter an email address in the correct format, like name@example.com",
    "preferred_language": "Choose a language from the list",
}
FIELD_IDS = {"family_id": "family", "dongle_id": "dongle_id", "device_id": "family"}


def _language_choices() -> list[tuple[str, str]]:
    return [
        (language.code, f"{Locale.parse(language.code).english_name} ({language.native_name})")
        for language in LANGUAGES
    ]


def _form(
    request: Request,
    session: Session,
    caller: Caller,
    device: Device,
    *,
    values: dict[str, Any],
    field_errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    school_families = families.families_to_choose(
        session, caller=caller, school_id=device.holder_id, seen=Where.of(request)
    )
    dongles = pairing.dongle_choice(session, caller=caller, device=device)
    updates = end_of_updates.for_device(session, device)
    return render(
        request,
        "devices/register_allocate.html",
        {
            "device": device,
            "families": school_families,
            "paired_dongles": dongles.paired,
            "free_dongles": dongles.free,
            "language_choices": _language_choices(),
            "updates_ended": updates.ends_on if updates and updates.past(today()) else None,
            "values": values,
            "field_errors": field_errors,
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/devices/{device_id}/allocate")
def allocate_form(
    request: Request, device_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    device = registry.get_device(session, caller=caller, device_id=device_id)
    if device.status not in registry.ALLOCATABLE:
        raise Conflict(
            f"Device {device.serial_number} cannot be allocated now; it is {device.status.value}"
        )
    day = today()
    values = {
        "family": NEW_FAMILY,
        "allocated_on-day": str(day.day),
        "allocated_on-month": str(day.month),
        "allocated_on-year": str(day.year),
        "collected": "true",
        "home_broadband": "true",
        "preferred_language": "en",
    }
    return _form(request, session, caller, device, values=values, field_errors={})


def _family_input(values: dict[str, Any], school_id: int) -> dict[str, Any]:
    return {
        "school_id": school_id,
        "pupil_reference": values.get("pupil_reference") or "",
        "year_group": values.get("year_group"),
        "phone_number": values.get("phone_number"),
        "email": values.get("email"),
        "preferred_language": values.get("preferred_language") or "",
        "sms_consent": values.get("sms_consent") == "true",
        "home_broadband": values.get("home_broadband") != "false",
    }


def _allocate(
    session: Session, caller: Caller, device: Device, values: dict[str, Any], on: date
) -> int:
    """Saves the family (if new) and the allocation together; returns the family's id."""
    details = {
        "device_id": device.id,
        "dongle_id": values.get("dongle_id"),
        "allocated_on": on,
        "collected": values.get("collected") == "true",
        "end_of_updates_override": values.get("end_of_updates_override"),
        **loan_dates_of(values)[0],
    }
    if values.get("family") == NEW_FAMILY:
        family_in = FamilyCreate.model_validate(_family_input(values, device.holder_id))
        allocation_in = NewFamilyAllocation.model_validate({**details, "family": family_in})
        allocation = flows.allocate_to_new_family(
            session, caller=caller, allocation_in=allocation_in
        )
    else:
        allocation_in = AllocationCreate.model_validate(
            {**details, "family_id": values.get("family_id")}
        )
        allocation = lifecycle.allocate(session, caller=caller, allocation_in=allocation_in)
    return allocation.family_id


@router.post("/devices/{device_id}/allocate")
async def allocate_submit(
    request: Request, _csrf: CsrfChecked, device_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    device = registry.get_device(session, caller=caller, device_id=device_id)
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    errors: dict[str, str] = {}
    on, problem = date_of(values, "allocated_on", "The date")
    if problem:
        errors["allocated_on"] = problem
    errors.update(loan_dates_of(values)[1])
    if values.get("family") not in (NEW_FAMILY, "existing"):
        errors["family"] = "Choose a family the school already has, or add a new family"
    elif values.get("family") == "existing" and not values.get("family_id"):
        errors["family_id"] = "Choose the family"
    status_code = 400
    if not errors:
        try:
            family_id = _allocate(session, caller, device, values, on)
            session.commit()
            return RedirectResponse(f"/families/{family_id}?done=allocated", status_code=303)
        except ValidationError as invalid:
            session.rollback()
            errors = problems_of(invalid, FAMILY_MESSAGES)
        except DomainError as refused:
            session.rollback()
            errors = {FIELD_IDS.get(key, key): text for key, text in problem_of(refused).items()}
            status_code = refused.status_code if refused.status_code != 422 else 400
        device = registry.get_device(session, caller=caller, device_id=device_id)
    return _form(
        request,
        session,
        caller,
        device,
        values=values,
        field_errors=errors,
        status_code=status_code,
    )
