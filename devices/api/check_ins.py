"""Check-ins: the list (a school's families who did not answer, a council's likely lost
devices; CSV with `format=csv`) and the council's check-in dates."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from accounts.deps import ApiCaller, SessionDep
from devices.check_in_queries import Filters, Status
from devices.schemas import Public
from devices.service import check_ins, safeguarding
from dfc.audit.seen import SeenAt
from dfc.listing import Page
from dfc.paging import PagingDep

router = APIRouter(prefix="/api", tags=["check-ins"])
CouncilId = Annotated[int | None, Query(ge=1, description="for scheme administrators")]


class CheckInDatePublic(Public):
    id: int
    council_id: int
    sends_on: date
    label: str
    wait_days: int
    created_by: str
    created_at: datetime


@router.get("/check-ins", response_model=Page[dict[str, Any]])
def list_check_ins(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    seen: SeenAt,
    school_id: int | None = None,
    status: Status | None = None,
    likely_lost: bool | None = None,
    check_in_date_id: int | None = None,
):
    """The check-ins the caller reaches: status `no-answer` is a school's list of families
    who answered neither text; `likely_lost=true` a council's devices likely lost (the family
    said no or did not answer, and no manager has heard from the device for 30 days).
    CSV with `format=csv`."""
    filters = Filters(
        school_id=school_id,
        status=status,
        likely_lost=likely_lost,
        check_in_date_id=check_in_date_id,
    )
    result = check_ins.list_check_ins(
        session, caller=caller, paging=paging, filters=filters, seen=seen
    )
    if isinstance(result, Page):
        result.items = [dict(row._mapping) for row in result.items]
    return result


@router.get("/check-in-dates")
def list_dates(
    session: SessionDep, caller: ApiCaller, council_id: CouncilId = None
) -> list[CheckInDatePublic]:
    """The council's check-in dates, earliest first (a school's staff see their council's)."""
    council = safeguarding.council_of(session, caller, council_id)
    return [CheckInDatePublic.model_validate(d) for d in check_ins.dates_of(session, council.id)]


@router.post("/check-in-dates", status_code=201)
def add_date(
    body: check_ins.CheckInDateIn,
    session: SessionDep,
    caller: ApiCaller,
    council_id: CouncilId = None,
) -> CheckInDatePublic:
    """Adds a check-in date (today or later; council officers of that council, scheme
    administrators); 409 if the council already has one that day."""
    council = safeguarding.council_of(session, caller, council_id)
    saved = check_ins.add_date(session, caller=caller, council=council, date_in=body)
    session.commit()
    return CheckInDatePublic.model_validate(saved)


@router.delete("/check-in-dates/{date_id}", status_code=204)
def remove_date(
    date_id: int, session: SessionDep, caller: ApiCaller, council_id: CouncilId = None
) -> Response:
    """Removes a date whose texts have not gone yet (409 once they have)."""
    council = safeguarding.council_of(session, caller, council_id)
    check_ins.remove_date(session, caller=caller, council=council, date_id=date_id)
    session.commit()
    return Response(status_code=204)
