"""Bulk imports: a supplier's delivery manifest and a network operator's usage file.
Small files are imported at once; large ones (or on request) are queued for the worker."""

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from sqlmodel import Session

from devices.imports.jobs import IMPORTERS, get_job
from devices.imports.manifest import ManifestSummary
from devices.imports.queueing import queue_import
from devices.imports.reader import count_rows
from devices.imports.schemas import ImportJobPublic
from devices.imports.usage import UsageSummary
from devices.models import ImportKind
from devices.service.access import require_writer
from dfc.accounts.caller import Caller
from dfc.accounts.deps import ApiCaller, SessionDep
from dfc.csv_import import HEADER_ROW, ImportRejected, RowProblem

router = APIRouter(prefix="/api/imports", tags=["imports"])
BACKGROUND_FROM_ROWS = 5_000  # more rows than this: queued, so the request answers at once
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
QUEUED = {status.HTTP_202_ACCEPTED: {"model": ImportJobPublic, "description": "Queued"}}
REJECTED = {status.HTTP_422_UNPROCESSABLE_CONTENT: {"description": "Every bad row; nothing saved"}}
Background = Annotated[
    bool, Query(description=f"queue the import (always done above {BACKGROUND_FROM_ROWS} rows)")
]
Upload = Annotated[UploadFile, File(description="a .csv (UTF-8) or .xlsx file")]


def _read(upload: UploadFile) -> tuple[bytes, str]:
    data = upload.file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        message = f"the file is larger than {MAX_UPLOAD_BYTES // 2**20} MB; split it"
        raise ImportRejected([RowProblem(HEADER_ROW, "-", message)])
    return data, upload.filename or "upload"


def _import_or_queue(
    session: Session,
    *,
    caller: Caller,
    kind: ImportKind,
    upload: UploadFile,
    background: bool,
    response: Response,
) -> ManifestSummary | UsageSummary | ImportJobPublic:
    """Imports now and answers the summary, or queues the file and answers the job (202)."""
    require_writer(caller)
    data, filename = _read(upload)
    rows = count_rows(data, filename=filename)
    if not background and rows <= BACKGROUND_FROM_ROWS:
        summary = IMPORTERS[kind](session, caller=caller, data=data, filename=filename)
        session.commit()
        return summary
    job = queue_import(session, caller=caller, kind=kind, data=data, filename=filename)
    response.status_code = status.HTTP_202_ACCEPTED
    return ImportJobPublic.model_validate(job)


@router.post("/manifest", responses=QUEUED | REJECTED)
def import_manifest_file(
    file: Upload,
    session: SessionDep,
    caller: ApiCaller,
    response: Response,
    background: Background = False,
) -> ManifestSummary | ImportJobPublic:
    """Adds the devices, dongles and SIMs of a supplier's delivery manifest, one item per row:
    a device (with its dongle and SIM), or a dongle or SIM alone. Columns: serial_number, kind,
    make, model, asset_tag, operating_system, holder (school URN or council LA code),
    received_on, warranty_ends_on, dongle_imei, sim_iccid, sim_phone_number, network_operator,
    gb_per_month, contract_months, batch_reference; any other column is refused. Items already
    registered to the same holder are left unchanged, so a file can be imported again."""
    return _import_or_queue(  # type: ignore[return-value]
        session,
        caller=caller,
        kind=ImportKind.MANIFEST,
        upload=file,
        background=background,
        response=response,
    )


@router.post("/usage", responses=QUEUED | REJECTED)
def import_usage_file(
    file: Upload,
    session: SessionDep,
    caller: ApiCaller,
    response: Response,
    background: Background = False,
) -> UsageSummary | ImportJobPublic:
    """Adds or corrects a network operator's usage readings, one per SIM and day. Columns:
    iccid, read_on, and used_mb or used_gb (1 GB = 1024 MB)."""
    return _import_or_queue(  # type: ignore[return-value]
        session,
        caller=caller,
        kind=ImportKind.USAGE,
        upload=file,
        background=background,
        response=response,
    )


@router.get("/{job_id}")
def read_import(job_id: int, session: SessionDep, caller: ApiCaller) -> ImportJobPublic:
    """A queued import's status and progress; its problems or summary once finished."""
    return ImportJobPublic.model_validate(get_job(session, caller=caller, job_id=job_id))
