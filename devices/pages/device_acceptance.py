"""The device page's "Family's acceptance" forms: text the family a link to the terms, or
record that they accepted in person (devices.service.acceptance has the rules)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.pages.device_detail import _page as device_page
from devices.service import acceptance, registry
from dfc.errors import DomainError
from dfc.web.csrf import CsrfChecked

router = APIRouter(include_in_schema=False)


def _refused(request, session, caller, device_id: int, refused: DomainError, values: dict):
    session.rollback()
    field = "witnessed_by" if refused.field == "witnessed_by" else "method"
    device = registry.get_device(session, caller=caller, device_id=device_id)
    return device_page(
        request, session, caller, device,
        values=values, field_errors={f"acceptance-{field}": refused.message},
        status_code=refused.status_code,
    )  # fmt: skip


@router.post("/devices/{device_id}/acceptance/link")
def text_link(
    request: Request, _csrf: CsrfChecked, device_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    try:
        acceptance.ask_by_link(session, caller=caller, device_id=device_id)
    except DomainError as refused:
        return _refused(request, session, caller, device_id, refused, {})
    session.commit()
    return RedirectResponse(f"/devices/{device_id}?done=acceptance-link#acceptance", 303)


@router.post("/devices/{device_id}/acceptance/in-person")
def in_person(
    request: Request,
    _csrf: CsrfChecked,
    device_id: int,
    session: SessionDep,
    caller: SchoolStaff,
    witnessed_by: Annotated[str, Form()] = "",
) -> Response:
    try:
        acceptance.record_in_person(
            session, caller=caller, device_id=device_id, witnessed_by=witnessed_by
        )
    except DomainError as refused:
        values = {"witnessed_by": witnessed_by}
        return _refused(request, session, caller, device_id, refused, values)
    session.commit()
    return RedirectResponse(f"/devices/{device_id}?done=acceptance-in-person#acceptance", 303)
