"""Data uplift requests: made by schools and councils, answered by mobile networks (their
own requests only), exchanged with each network as CSV both ways."""

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from accounts.deps import ApiCaller, SessionDep
from devices.imports import uplift_files
from devices.models import UpliftStatus
from devices.service import uplifts
from devices.uplift_schemas import (
    NetworkCreate,
    NetworkPublic,
    UpliftCreate,
    UpliftImportResult,
    UpliftPublic,
    UpliftUpdate,
)
from dfc.audit.seen import SeenAt
from dfc.csv_export import csv_lines
from dfc.csv_import import CSV_FORMATS, HEADER_ROW, ImportRejected, RowProblem
from dfc.listing import Page
from dfc.paging import PagingDep
from dfc.settings import get_settings
from dfc.web.body_limit import size_text
from dfc.web.responses import csv_response

router = APIRouter(prefix="/api/uplift-requests", tags=["uplift requests"])
CSV_COLUMNS = tuple(UpliftPublic.model_fields)
StatusFile = Annotated[
    UploadFile,
    File(description=f"the network's status file: request_id, status, note ({CSV_FORMATS})"),
]


@router.get("", response_model=Page[UpliftPublic])
def list_uplifts(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    seen: SeenAt,
    status: UpliftStatus | None = None,
    network_id: int | None = None,
    organisation_id: int | None = None,
):
    """The requests the caller reaches (a network: its own); CSV with `format=csv`."""
    return uplifts.list_uplifts(
        session,
        caller=caller,
        paging=paging,
        seen=seen,
        columns=CSV_COLUMNS,
        status=status,
        network_id=network_id,
        organisation_id=organisation_id,
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_uplift(uplift_in: UpliftCreate, session: SessionDep, caller: ApiCaller) -> UpliftPublic:
    """A request for more data on the family's own number; 409 if one is already open for
    that number on that network."""
    uplift = uplifts.create_uplift(session, caller=caller, uplift_in=uplift_in)
    session.commit()
    return UpliftPublic.model_validate(uplift)


@router.post("/export")
def export_new(session: SessionDep, caller: ApiCaller, seen: SeenAt, network_id: int | None = None):
    """The network's new requests as CSV in its columns; each is then in progress."""
    rows = uplift_files.export_new(session, caller=caller, network_id=network_id, seen=seen)
    session.commit()
    return csv_response(
        csv_lines(uplift_files.EXPORT_COLUMNS, rows), filename="uplift-requests-new.csv"
    )


@router.post("/statuses")
def import_statuses(
    upload: StatusFile, session: SessionDep, caller: ApiCaller, network_id: int | None = None
) -> UpliftImportResult:
    """The network's status file, all or nothing: any bad row and nothing is saved (422
    naming each row and column). Sending the same file again changes nothing."""
    limit = get_settings().MAX_UPLOAD_BYTES
    data = upload.file.read(limit + 1)
    if len(data) > limit:
        message = f"the file is larger than the limit of {size_text(limit)}; split it"
        raise ImportRejected([RowProblem(HEADER_ROW, "-", message)])
    rows, changed = uplift_files.import_statuses(
        session, caller=caller, network_id=network_id, data=data
    )
    session.commit()
    return UpliftImportResult(rows=rows, changed=changed, unchanged=rows - changed)


@router.get("/networks")
def list_networks(session: SessionDep, caller: ApiCaller) -> list[NetworkPublic]:
    """The mobile networks a request can go to."""
    return [NetworkPublic.model_validate(n) for n in uplifts.networks(session)]


@router.post("/networks", status_code=status.HTTP_201_CREATED)
def create_network(
    network_in: NetworkCreate, session: SessionDep, caller: ApiCaller
) -> NetworkPublic:
    """A mobile network (scheme admins only); its users are network-user accounts."""
    network = uplifts.create_network(session, caller=caller, name=network_in.name)
    session.commit()
    return NetworkPublic.model_validate(network)


@router.get("/{uplift_id}")
def read_uplift(
    uplift_id: int, session: SessionDep, caller: ApiCaller, seen: SeenAt
) -> UpliftPublic:
    return UpliftPublic.model_validate(
        uplifts.show_uplift(session, caller=caller, uplift_id=uplift_id, seen=seen)
    )


@router.patch("/{uplift_id}")
def update_uplift(
    uplift_id: int, update: UpliftUpdate, session: SessionDep, caller: ApiCaller
) -> UpliftPublic:
    """The network moves the request on (complete texts the family); staff may cancel."""
    uplift = uplifts.update_uplift(session, caller=caller, uplift_id=uplift_id, update=update)
    session.commit()
    return UpliftPublic.model_validate(uplift)
