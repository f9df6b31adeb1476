"""The device page's handover checklist forms: record management removed, the wipe and the
filtering decision (devices.service.handover has the rules, the same as the API's)."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.models import HandoverStep
from devices.pages.device_detail import _page as device_page
from devices.service import handover, registry
from dfc.errors import DomainError, NotFound
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, values_of

router = APIRouter(include_in_schema=False)


@router.post("/devices/{device_id}/handover/{step}")
async def record_step(
    request: Request,
    _csrf: CsrfChecked,
    device_id: int,
    step: str,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    if step not in {s.value for s in handover.PEOPLE_STEPS}:
        raise NotFound(f"There is no handover step called {step!r} to record")
    values = values_of(await request.form())
    field = f"{step}-done_on"
    done_on, problem = date_of(values, field, "The date")
    errors = {field: problem} if problem else {}
    status_code = 400
    if done_on is not None:
        try:
            handover.record_step(
                session,
                caller=caller,
                device_id=device_id,
                step=HandoverStep(step),
                done_on=done_on,
                confirmed_by=values.get("confirmed_by") or "",
                method=values.get("method"),
                reference=values.get("reference"),
            )
            session.commit()
            return RedirectResponse(f"/devices/{device_id}?done=handover-step#handover", 303)
        except DomainError as refused:
            session.rollback()
            errors = {f"{step}-{refused.field or 'form'}": refused.message}
            status_code = refused.status_code
    device = registry.get_device(session, caller=caller, device_id=device_id)
    form = {key: value for key, value in values.items() if isinstance(value, str)}
    return device_page(
        request, session, caller, device,
        values={f"{step}-{key}": value for key, value in form.items()} | form,
        field_errors=errors, status_code=status_code,
    )  # fmt: skip
