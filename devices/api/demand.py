"""Requests for more devices, and their decisions."""

from fastapi import APIRouter, status

from accounts.deps import ApiCaller, SessionDep
from devices.models import RequestStatus
from devices.schemas import DeviceRequestCreate, DeviceRequestDecision, DeviceRequestPublic
from devices.service import demand
from dfc.listing import Page
from dfc.paging import PagingDep, listing

router = APIRouter(prefix="/api/device-requests", tags=["demand"])
CSV_COLUMNS = (
    "id",
    "school_id",
    "kind",
    "quantity",
    "quantity_fulfilled",
    "reason",
    "requested_on",
    "status",
    "decided_on",
)


@router.get("", response_model=Page[DeviceRequestPublic])
def list_requests(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    status: RequestStatus | None = None,
    school_id: int | None = None,
):
    statement = demand.visible_requests(caller, status=status, school_id=school_id)
    return listing(
        session,
        statement,
        paging,
        sortable=demand.SORTABLE,
        default_sort="-requested_on",
        columns=CSV_COLUMNS,
        filename="device-requests.csv",
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def create_request(
    request_in: DeviceRequestCreate, session: SessionDep, caller: ApiCaller
) -> DeviceRequestPublic:
    request = demand.create_request(session, caller=caller, request_in=request_in)
    session.commit()
    return DeviceRequestPublic.model_validate(request)


@router.get("/{request_id}")
def read_request(request_id: int, session: SessionDep, caller: ApiCaller) -> DeviceRequestPublic:
    return DeviceRequestPublic.model_validate(
        demand.get_request(session, caller=caller, request_id=request_id)
    )


@router.post("/{request_id}/decision")
def decide_request(
    request_id: int, decision: DeviceRequestDecision, session: SessionDep, caller: ApiCaller
) -> DeviceRequestPublic:
    """Approve, decline or fulfil (perhaps in part); 409 if the request is already closed."""
    request = demand.decide_request(
        session, caller=caller, request_id=request_id, decision=decision
    )
    session.commit()
    return DeviceRequestPublic.model_validate(request)
