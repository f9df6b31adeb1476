"""Uploading a supplier's delivery manifest or a network's usage file: the worker imports
it in the background and its page shows progress, then every bad row by row and column
(nothing saved) or what was added."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session
from starlette.datastructures import UploadFile

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.imports.examples import FILENAMES, example_csv, holder_code
from devices.imports.jobs import get_job, visible_jobs
from devices.imports.queueing import queue_import
from devices.imports.schemas import problems_note
from devices.models import ImportJob, ImportKind, ImportStatus
from dfc.caller import Caller
from dfc.csv_import import ImportRejected
from dfc.errors import DomainError, NotFound
from dfc.listing import PageRequest, apply_sort, paginate
from dfc.settings import get_settings
from dfc.web.body_limit import size_text
from dfc.web.csrf import CsrfChecked
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
SORTABLE = {"id": ImportJob.id, "created_at": ImportJob.created_at}
KIND_NAMES = {
    ImportKind.MANIFEST: "Delivery manifest",
    ImportKind.USAGE: "Data usage",
    ImportKind.GOOGLE_ADMIN: "Google Admin ChromeOS devices",
    ImportKind.INTUNE: "Intune devices",
}
STATUS_TAGS = {
    ImportStatus.QUEUED: ("Waiting", "govuk-tag--grey"),
    ImportStatus.RUNNING: ("Importing", "govuk-tag--blue"),
    ImportStatus.SUCCEEDED: ("Imported", "govuk-tag--green"),
    ImportStatus.FAILED: ("Not imported", "govuk-tag--red"),
}


def _list(
    request: Request,
    session: Session,
    caller: Caller,
    *,
    page_number: int = 1,
    field_errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    statement = apply_sort(visible_jobs(caller), None, columns=SORTABLE, default="-created_at")
    jobs = paginate(session, statement, PageRequest(page=page_number, per_page=20))
    return render(
        request,
        "devices/register_imports.html",
        {
            "jobs": jobs,
            "kinds": KIND_NAMES,
            "tags": STATUS_TAGS,
            "field_errors": field_errors,
            "default_sort": "-created_at",
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/imports")
def import_list(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
) -> Response:
    return _list(request, session, caller, page_number=page, field_errors={})


@router.post("/imports")
async def upload(
    request: Request, _csrf: CsrfChecked, session: SessionDep, caller: SchoolStaff
) -> Response:
    form = await request.form()
    kind, upload_file = form.get("kind"), form.get("file")
    errors = {}
    if kind not in {k.value for k in ImportKind}:
        errors["kind"] = "Choose what the file is"
    if not isinstance(upload_file, UploadFile) or not upload_file.filename:
        errors["file"] = "Choose a CSV or Excel file to upload"
    elif not upload_file.filename.lower().endswith((".csv", ".xlsx")):
        errors["file"] = "The file must be a CSV or an Excel (.xlsx) file"
    if not errors:
        limit = get_settings().MAX_UPLOAD_BYTES
        data = await upload_file.read(limit + 1)
        if not data:
            errors["file"] = "The file is empty"
        elif len(data) > limit:
            errors["file"] = f"The file must be smaller than {size_text(limit)}"
    if not errors:
        try:
            # Always queued: measuring (rows, a workbook's unpacked size) is all done here.
            job = queue_import(
                session,
                caller=caller,
                kind=ImportKind(kind),
                data=data,
                filename=upload_file.filename,
            )
            return RedirectResponse(f"/imports/{job.id}", status_code=303)
        except ImportRejected as refused:  # too many rows, or a workbook too big unpacked
            session.rollback()
            errors["file"] = _sentence("; ".join(p.message for p in refused.problems))
        except DomainError as refused:
            session.rollback()
            errors["file"] = refused.message
    return _list(request, session, caller, field_errors=errors, status_code=400)


@router.get("/imports/examples/{kind}")
def example_file(kind: ImportKind, session: SessionDep, caller: SchoolStaff) -> Response:
    """An example file of this kind, with the caller's own holder code in it."""
    if kind not in FILENAMES:
        raise NotFound("A manager's export is downloaded from the manager itself")
    return Response(
        example_csv(kind, holder=holder_code(session, caller)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{FILENAMES[kind]}"'},
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


@router.get("/imports/{job_id}")
def import_page(
    request: Request, job_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    job = get_job(session, caller=caller, job_id=job_id)
    problem_count = max(job.problem_count, len(job.problems))
    return render(
        request,
        "devices/register_import.html",
        {
            "job": job,
            "problem_count": problem_count,
            "problems_note": problems_note(len(job.problems), problem_count),
            "kinds": KIND_NAMES,
            "tags": STATUS_TAGS,
            "finished": job.status in (ImportStatus.SUCCEEDED, ImportStatus.FAILED),
            "percent": int(100 * job.processed_rows / job.total_rows) if job.total_rows else 0,
        },
        caller=caller,
        staff=True,
    )
