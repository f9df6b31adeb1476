"""One device: its details, who has it, its dongle, its technical cover and history, and the
actions its status allows; and one dongle with its SIM, data and laptop. Another
organisation's device or dongle is a 404, like a wrong address."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.models import Device
from devices.pages import labels, management_labels
from devices.pages.device_actions import ACTIONS, FieldProblem, available
from devices.service import (
    acceptance,
    connectivity,
    cover,
    events,
    families,
    handover,
    incidents,
    lifecycle,
    management,
    ownership,
    pairing,
    registry,
    safeguarding,
    transitions,
)
from devices.service.access import organisation_names
from devices.service.transitions import Action as Transition
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import Conflict, DomainError, NotFound
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)


def _today_fields(prefix: str) -> dict[str, str]:
    day = today()
    return {
        f"{prefix}-day": str(day.day),
        f"{prefix}-month": str(day.month),
        f"{prefix}-year": str(day.year),
    }


def _page(
    request: Request,
    session: Session,
    caller: Caller,
    device: Device,
    *,
    open_action: str | None = None,
    values: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    allocation = lifecycle.open_allocation(session, device)
    family = (
        families.show_family(
            session, caller=caller, family_id=allocation.family_id, seen=Where.of(request)
        )
        if allocation
        else None
    )
    dongles = pairing.dongles_of_device(
        session, caller=caller, device=device, allocation=allocation
    )
    form_values: dict[str, Any] = {}
    for action in ACTIONS.values():
        form_values |= _today_fields(f"{action.slug}-on")
    for step in handover.PEOPLE_STEPS:
        form_values |= _today_fields(f"{step.value}-done_on")
    form_values |= values or {}
    return render(
        request,
        "devices/register_device.html",
        {
            "device": device,
            "holder": organisation_names(session, caller, {device.holder_id}).get(
                device.holder_id, ""
            ),
            "allocation": allocation,
            "family": family,
            "dongles": dongles,
            "unpairable": {dongle.id for dongle in dongles if pairing.unpairable(dongle)},
            "periods": cover.periods_of(session, caller=caller, device_id=device.id),
            "management": management.view(session, device),
            "acceptance": acceptance.latest(session, caller=caller, device_id=device.id)
            if allocation
            else None,
            "checklist": handover.checklist(session, caller=caller, device_id=device.id)
            if allocation
            else None,
            "signs_filtering": caller.has_role(*handover.SIGNERS),
            "management_labels": management_labels,
            "transfers": ownership.history(session, caller=caller, device_id=device.id),
            "history": events.history(session, device),
            "incidents": incidents.of_device(session, device),
            "actions": available(device),
            "can_allocate": transitions.allows(device, Transition.ALLOCATE),
            "open_action": open_action,
            "values": form_values,
            "field_errors": field_errors or {},
            "statuses": labels.DEVICE_STATUS,
            "kinds": labels.DEVICE_KIND,
            "reasons": labels.RETURN_REASONS,
            "done": request.query_params.get("done"),
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/devices/{device_id}")
def device_page(
    request: Request, device_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    device = registry.get_device(session, caller=caller, device_id=device_id)
    return _page(request, session, caller, device)


@router.post("/devices/{device_id}/actions/{slug}")
async def device_action(
    request: Request,
    _csrf: CsrfChecked,
    device_id: int,
    slug: str,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    action = ACTIONS.get(slug)
    if action is None:
        raise NotFound(f"There is no action called {slug!r}")
    device = registry.get_device(session, caller=caller, device_id=device_id)
    values = values_of(await request.form())
    field = f"{slug}-on"
    on, problem = date_of(values, field, "The date")
    errors = {field: problem} if problem else {}
    status_code = 400
    if not errors:
        try:
            action.perform(session, caller, device, on, values)
            session.commit()
            return RedirectResponse(f"/devices/{device.id}?done={slug}", status_code=303)
        except FieldProblem as wrong:
            errors = {f"{slug}-{wrong.field}": wrong.message}
        except DomainError as refused:
            session.rollback()
            errors = {f"{slug}-{key}": text for key, text in problem_of(refused).items()}
            status_code = refused.status_code
        device = registry.get_device(session, caller=caller, device_id=device_id)
    return _page(
        request,
        session,
        caller,
        device,
        open_action=slug,
        values={key: value for key, value in values.items() if isinstance(value, str)},
        field_errors=errors,
        status_code=status_code,
    )


@router.post("/devices/{device_id}/dongles/{dongle_id}/unpair")
def unpair_dongle(
    request: Request,
    _csrf: CsrfChecked,
    device_id: int,
    dongle_id: int,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    """The dongle no longer goes with this device; a refusal is shown on the device's page."""
    device = registry.get_device(session, caller=caller, device_id=device_id)
    try:
        pairing.unpair_dongle(session, caller=caller, dongle_id=dongle_id, device_id=device.id)
        session.commit()
        return RedirectResponse(f"/devices/{device.id}?done=unpair-dongle", status_code=303)
    except Conflict as refused:
        session.rollback()
        device = registry.get_device(session, caller=caller, device_id=device_id)
        return _page(
            request,
            session,
            caller,
            device,
            field_errors={"unpair-dongle-form": refused.message},
            status_code=refused.status_code,
        )


@router.get("/dongles/{dongle_id}")
def dongle_page(
    request: Request, dongle_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    found = connectivity.dongle_now(session, caller=caller, dongle_id=dongle_id, today=today())
    holder_id = found.dongle.holder_id
    return render(
        request,
        "devices/register_device_dongle.html",
        {
            "dongle": found.dongle,
            "paired_serial_number": found.paired_serial_number,
            "sims": found.sims,
            "holder": organisation_names(session, caller, {holder_id}).get(holder_id, ""),
            "reviews": safeguarding.reviews_of(session, found.dongle.id),
        },
        caller=caller,
        staff=True,
    )
