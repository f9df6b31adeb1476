"""The uplift requests page: staff see their organisation's requests, a network user its
network's, filtered, sorted and paged in the URL (CSV of every matching row); the network
(or the scheme) downloads the new requests and uploads its status file here. The rules
are in devices.service.uplifts and devices.imports.uplift_files."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from accounts.deps import SessionDep
from accounts.models import Role
from accounts.staff import staff
from devices.api.uplifts import CSV_COLUMNS
from devices.imports import uplift_files
from devices.models import UpliftStatus
from devices.service import uplifts
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.csv_export import csv_lines
from dfc.csv_import import ImportRejected, RowProblem
from dfc.errors import DomainError
from dfc.paging import PagingDep
from dfc.settings import get_settings
from dfc.web.body_limit import size_text
from dfc.web.csrf import CsrfChecked
from dfc.web.responses import csv_response
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
UpliftStaff = Annotated[
    Caller,
    Depends(staff(Role.SCHOOL_STAFF, Role.COUNCIL_OFFICER, Role.SCHEME_ADMIN, Role.NETWORK_USER)),
]
STATUSES = {
    UpliftStatus.NEW.value: "New",
    UpliftStatus.IN_PROGRESS.value: "In progress with the network",
    UpliftStatus.QUERIED.value: "Queried by the network",
    UpliftStatus.COMPLETE.value: "Complete: data added",
    UpliftStatus.CANCELLED.value: "Cancelled",
    UpliftStatus.UNAVAILABLE.value: "Unavailable on this network",
    UpliftStatus.DUPLICATE.value: "Duplicate",
}
DONE = {
    "statuses": "The network's status file was imported.",
    "asked": "The request was sent to the network's list of new requests.",
}


def _page(
    request: Request,
    session: SessionDep,
    caller: Caller,
    paging: PagingDep,
    *,
    status: UpliftStatus | None = None,
    network: int | None = None,
    problems: list[RowProblem] | None = None,
    error: str | None = None,
) -> Response:
    found = uplifts.list_uplifts(
        session,
        caller=caller,
        paging=paging,
        seen=Where.of(request),
        columns=CSV_COLUMNS,
        status=status,
        network_id=network,
    )
    if isinstance(found, Response):
        return found
    context: dict[str, Any] = {
        "found": found,
        "rows": list(found.items),
        "statuses": STATUSES,
        "networks": {n.id: n.name for n in uplifts.networks(session)},
        "status": status.value if status else None,
        "network": network,
        "is_network": uplifts.is_network(caller),
        "exchanges_files": uplifts.is_network(caller) or caller.has_role(Role.SCHEME_ADMIN),
        "problems": problems or [],
        "error": error,
        "done": DONE.get(request.query_params.get("done", "")),
        "changed": request.query_params.get("changed"),
    }
    failed = bool(problems or error)
    return render(
        request,
        "devices/uplifts.html",
        context,
        caller=caller,
        staff=True,
        status_code=400 if failed else 200,
    )


@router.get("/uplifts")
def uplifts_page(
    request: Request,
    session: SessionDep,
    caller: UpliftStaff,
    paging: PagingDep,
    status: UpliftStatus | None = None,
    network: int | None = None,
) -> Response:
    return _page(request, session, caller, paging, status=status, network=network)


def _network_field(form: Any) -> int | None:
    value = str(form.get("network_id") or "")
    return int(value) if value.isdigit() else None


@router.post("/uplifts/export")
async def export_new(
    request: Request, _csrf: CsrfChecked, session: SessionDep, caller: UpliftStaff
) -> Response:
    """The new requests as the network's CSV; each is then in progress."""
    form = await request.form()
    rows = uplift_files.export_new(
        session, caller=caller, network_id=_network_field(form), seen=Where.of(request)
    )
    session.commit()
    return csv_response(
        csv_lines(uplift_files.EXPORT_COLUMNS, rows), filename="uplift-requests-new.csv"
    )


@router.post("/uplifts/statuses")
async def import_statuses(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: UpliftStaff,
    paging: PagingDep,
) -> Response:
    """The network's status file: all or nothing, each problem listed by row and column."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, session, caller, paging, error="Choose the status file (CSV)")
    limit = get_settings().MAX_UPLOAD_BYTES
    data = await upload.read(limit + 1)
    if len(data) > limit:
        error = f"The file must be smaller than {size_text(limit)}"
        return _page(request, session, caller, paging, error=error)
    try:
        _rows, changed = uplift_files.import_statuses(
            session, caller=caller, network_id=_network_field(form), data=data
        )
    except ImportRejected as refused:
        session.rollback()
        return _page(request, session, caller, paging, problems=refused.problems)
    except DomainError as refused:
        session.rollback()
        return _page(request, session, caller, paging, error=refused.message)
    session.commit()
    return RedirectResponse(f"/uplifts?done=statuses&changed={changed}", status_code=303)
