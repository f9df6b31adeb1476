"""Requests for more devices and their decisions."""

from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import OrganisationKind, Role
from accounts.scoping import scoped
from devices.errors import IllegalTransition
from devices.models import DeviceRequest, RequestStatus
from devices.schemas import DeviceRequestCreate, DeviceRequestDecision
from devices.service.access import get_scoped, reachable_organisation, require_writer
from dfc.caller import Caller
from dfc.errors import Forbidden, InvalidInput

SORTABLE = {
    "id": DeviceRequest.id,
    "requested_on": DeviceRequest.requested_on,
    "quantity": DeviceRequest.quantity,
    "status": DeviceRequest.status,
}
NEXT = {
    RequestStatus.REQUESTED: {
        RequestStatus.APPROVED,
        RequestStatus.DECLINED,
        RequestStatus.FULFILLED,
    },
    RequestStatus.APPROVED: {RequestStatus.FULFILLED, RequestStatus.DECLINED},
    RequestStatus.FULFILLED: set(),
    RequestStatus.DECLINED: set(),
}


def visible_requests(
    caller: Caller, *, status: RequestStatus | None = None, school_id: int | None = None
) -> SelectOfScalar[DeviceRequest]:
    statement = scoped(select(DeviceRequest), caller, DeviceRequest.school_id)
    if status:
        statement = statement.where(DeviceRequest.status == status)
    if school_id:
        statement = statement.where(DeviceRequest.school_id == school_id)
    return statement


def get_request(session: Session, *, caller: Caller, request_id: int) -> DeviceRequest:
    return get_scoped(
        session, caller, DeviceRequest, request_id, DeviceRequest.school_id, "request"
    )


def create_request(
    session: Session, *, caller: Caller, request_in: DeviceRequestCreate
) -> DeviceRequest:
    require_writer(caller)
    school = reachable_organisation(session, caller, request_in.school_id, "school_id")
    if school.kind is not OrganisationKind.SCHOOL:
        raise InvalidInput(f"Organisation {school.id} is not a school", field="school_id")
    request = DeviceRequest(**request_in.model_dump())
    session.add(request)
    session.flush()
    return request


def decide_request(
    session: Session, *, caller: Caller, request_id: int, decision: DeviceRequestDecision
) -> DeviceRequest:
    """Councils and the scheme approve, decline or fulfil (perhaps in part) a request."""
    request = get_request(session, caller=caller, request_id=request_id)
    if not caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        raise Forbidden("Only council officers and scheme admins decide requests")
    if decision.status not in NEXT[request.status]:
        raise IllegalTransition(
            f"A {request.status.value} request cannot become {decision.status.value}"
        )
    if decision.status is RequestStatus.FULFILLED:
        fulfilled = (
            decision.quantity_fulfilled
            if decision.quantity_fulfilled is not None
            else request.quantity
        )
        if fulfilled > request.quantity:
            raise InvalidInput(
                f"More than the {request.quantity} asked for", field="quantity_fulfilled"
            )
        request.quantity_fulfilled = fulfilled
    request.status = decision.status
    request.decided_on = decision.on
    session.add(request)
    session.flush()
    return request
