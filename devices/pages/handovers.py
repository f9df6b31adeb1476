"""Handing many devices over at once: a school's devices with a family and where each
stands on the checklist ("12 of 30 ready"), the chosen ones sent to the worker as a batch,
and the batch's progress with each device's outcome (devices.service.handover_batches
holds the rules, the same as the API's)."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.models import BatchStatus
from devices.service import handover_batches
from devices.service.access import schools_reached
from dfc import clock
from dfc.caller import Caller
from dfc.csv_export import csv_lines
from dfc.errors import DomainError
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
REFRESH_SECONDS = 2


def _choose_page(
    request: Request,
    session: Session,
    caller: Caller,
    school: int | None,
    *,
    values: dict[str, Any] | None = None,
    chosen: set[int] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    found = handover_batches.candidates(session, caller=caller, school_id=school)
    ready = [candidate for candidate in found if not candidate.missing]
    today = clock.today()
    return render(
        request,
        "devices/handovers.html",
        {
            "candidates": found,
            "ready": len(ready),
            "chosen": chosen if chosen is not None else {c.device.id for c in ready},
            "schools": schools_reached(session, caller),
            "school": school,
            "batches": handover_batches.recent_batches(session, caller=caller),
            "values": values
            or {"on-day": today.day, "on-month": today.month, "on-year": today.year},
            "field_errors": field_errors or {},
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/handovers")
def choose(
    request: Request, session: SessionDep, caller: SchoolStaff, school: int | None = None
) -> Response:
    return _choose_page(request, session, caller, school)


@router.post("/handovers")
async def hand_over_chosen(
    request: Request, _csrf: CsrfChecked, session: SessionDep, caller: SchoolStaff
) -> Response:
    form = await request.form()
    values = values_of(form)
    chosen = {int(value) for value in form.getlist("device_id") if str(value).isdigit()}
    on, problem = date_of(values, "on", "The handover date")
    errors = {"on": problem} if problem else {}
    if not chosen:
        errors["device_id"] = "Choose at least one device to hand over"
    if not errors:
        try:
            batch = handover_batches.queue(session, caller=caller, device_ids=sorted(chosen), on=on)
            return RedirectResponse(f"/handovers/{batch.id}", 303)
        except DomainError as refused:
            session.rollback()
            errors = {"device_id": refused.message}
    school = values.get("school")
    return _choose_page(
        request, session, caller, int(school) if school and school.isdigit() else None,
        values=values, chosen=chosen, field_errors=errors, status_code=400,
    )  # fmt: skip


@router.get("/handovers/{batch_id}")
def progress(request: Request, batch_id: int, session: SessionDep, caller: SchoolStaff) -> Response:
    batch = handover_batches.get_batch(session, caller=caller, batch_id=batch_id)
    running = batch.status is not BatchStatus.FINISHED
    return render(
        request,
        "devices/handover_batch.html",
        {
            "batch": batch,
            "rows": handover_batches.outcomes(session, batch=batch),
            "step_names": handover_batches.step_names,
            "refresh": REFRESH_SECONDS if running else None,
        },
        caller=caller,
        staff=True,
    )


@router.get("/handovers/{batch_id}/outcomes.csv")
def outcomes_csv(batch_id: int, session: SessionDep, caller: SchoolStaff) -> Response:
    batch = handover_batches.get_batch(session, caller=caller, batch_id=batch_id)
    rows = handover_batches.outcomes(session, batch=batch)
    lines = csv_lines(
        ["device_id", "serial_number", "outcome", "detail", "missing_steps"],
        (
            [row.device_id, serial, row.outcome.value, row.detail, "; ".join(row.missing)]
            for row, serial in rows
        ),
    )
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="handover-{batch.id}.csv"'},
    )
