"""Bulk imports: a supplier's delivery manifest and a network operator's usage file.
Small files are imported at once; the rest (or on request) are queued for the worker, so no
request parses a big file."""

from typing import Annotated

from fastapi import APIRouter, File, Query, Response, UploadFile, status
from fastapi.responses import JSONResponse
from sqlmodel import Session

from accounts.deps import ApiCaller, SessionDep
from devices.imports.jobs import IMPORTERS, get_job
from devices.imports.manager_save import ManagerSummary
from devices.imports.manifest import ManifestSummary
from devices.imports.queueing import queue_import
from devices.imports.reader import Measure, measure
from devices.imports.schemas import ImportJobPublic, problems_note
from devices.imports.usage import UsageSummary
from devices.models import ImportKind
from devices.service.access import require_writer
from dfc.caller import Caller
from dfc.csv_import import CSV_FORMATS, HEADER_ROW, ImportRejected, RowProblem
from dfc.settings import get_settings
from dfc.web.body_limit import size_text

router = APIRouter(prefix="/api/imports", tags=["imports"])
# Imported inside the request only when small by every measure; anything else is queued.
INLINE_MAX_ROWS = 1_000
INLINE_MAX_BYTES = 1_000_000  # the file, or for a workbook what it unpacks to
QUEUED = {
    status.HTTP_202_ACCEPTED: {"model": ImportJobPublic, "description": "Queued"},
    status.HTTP_503_SERVICE_UNAVAILABLE: {"description": "The worker's queue cannot be reached"},
}
REJECTED = {
    status.HTTP_422_UNPROCESSABLE_CONTENT: {
        "description": "The first bad rows (`problems`) and how many in all (`problem_count`); "
        "nothing saved"
    }
}
Background = Annotated[
    bool,
    Query(
        description=f"queue the import (always done from {INLINE_MAX_ROWS:,} rows or "
        f"{size_text(INLINE_MAX_BYTES)})"
    ),
]
Upload = Annotated[
    UploadFile,
    File(description=f"a .csv file ({CSV_FORMATS}) or an .xlsx workbook (its first sheet)"),
]


def _read(upload: UploadFile) -> tuple[bytes, str]:
    limit = get_settings().MAX_UPLOAD_BYTES
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        message = f"the file is larger than the limit of {size_text(limit)}; split it"
        raise ImportRejected([RowProblem(HEADER_ROW, "-", message)])
    return data, upload.filename or "upload"


def _small(size: Measure) -> bool:
    return size.rows < INLINE_MAX_ROWS and size.unpacked_bytes < INLINE_MAX_BYTES


def _rejected(rejected: ImportRejected) -> JSONResponse:
    """The error handler's answer, plus a note of how many problems are shown."""
    shown = len(rejected.problems)
    body = rejected.body() | {"problems_note": problems_note(shown, rejected.problem_count)}
    return JSONResponse(body, status_code=rejected.status_code)


def _import_or_queue(
    session: Session,
    *,
    caller: Caller,
    kind: ImportKind,
    upload: UploadFile,
    background: bool,
    response: Response,
) -> ManifestSummary | UsageSummary | ManagerSummary | ImportJobPublic | JSONResponse:
    """Imports now and answers the summary, or queues the file and answers the job (202)."""
    require_writer(caller)
    try:
        data, filename = _read(upload)
        size = measure(data, filename=filename)  # refuses files over a limit, unparsed
        if not background and _small(size):
            summary = IMPORTERS[kind](session, caller=caller, data=data, filename=filename)
            session.commit()
            return summary
    except ImportRejected as rejected:
        session.rollback()
        return _rejected(rejected)
    job = queue_import(
        session, caller=caller, kind=kind, data=data, filename=filename, measured=size
    )
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


@router.post("/google-admin", responses=QUEUED | REJECTED)
def import_google_admin_file(
    file: Upload,
    session: SessionDep,
    caller: ApiCaller,
    response: Response,
    background: Background = False,
) -> ManagerSummary | ImportJobPublic:
    """Reconciles the register with the Google Admin console's ChromeOS device list (Devices
    > Chrome devices > Download), or the Directory API's chromeosdevices fields: Serial
    Number (serialNumber) and Status (status) are required; Last Sync, Model, OS Version,
    Auto Update Expiration (autoUpdateExpiration, autoUpdateThrough), Org Unit Path, Annotated
    User, Asset ID and Enrollment Time are read when present; other columns are ignored.
    Devices are matched by serial number; those you do not hold are listed, not dropped."""
    return _import_or_queue(  # type: ignore[return-value]
        session,
        caller=caller,
        kind=ImportKind.GOOGLE_ADMIN,
        upload=file,
        background=background,
        response=response,
    )


@router.post("/intune", responses=QUEUED | REJECTED)
def import_intune_file(
    file: Upload,
    session: SessionDep,
    caller: ApiCaller,
    response: Response,
    background: Background = False,
) -> ManagerSummary | ImportJobPublic:
    """Reconciles the register with Intune's device export (Devices > All devices > Export),
    or the Graph API's managedDevice fields: Serial number (serialNumber) is required; Device
    state, Last check-in, Model, OS, OS version, Primary user UPN, Ownership, Compliance and
    Enrollment date are read when present; other columns are ignored. Devices are matched by
    serial number; those you do not hold are listed, not dropped."""
    return _import_or_queue(  # type: ignore[return-value]
        session,
        caller=caller,
        kind=ImportKind.INTUNE,
        upload=file,
        background=background,
        response=response,
    )


@router.get("/{job_id}")
def read_import(job_id: int, session: SessionDep, caller: ApiCaller) -> ImportJobPublic:
    """A queued import's status and progress; its problems (the first ones, with how many
    in all) or summary once finished."""
    return ImportJobPublic.model_validate(get_job(session, caller=caller, job_id=job_id))
