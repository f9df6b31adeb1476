"""Check-in pages: the list of check-ins (filtered by school, status, date and likely lost,
sorted, paged and as CSV; a school's "no answer" list and a council's "likely lost" list are
this list filtered), and the council's check-in dates, which its officers set."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.models import Organisation, OrganisationKind
from accounts.staff import CouncilStaff, SchoolStaff
from devices import check_in_queries
from devices.check_in_queries import Filters, Status
from devices.service import check_ins, safeguarding
from devices.service.access import organisation_names, schools_reached
from dfc.audit.seen import SeenAt
from dfc.caller import Caller, Role
from dfc.errors import DomainError, InvalidInput
from dfc.paging import PagingDep
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, problems_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
CouncilParam = Annotated[int | None, Query(ge=1, description="a council, for administrators")]
STATUSES = {
    Status.WAITING.value: "Waiting for an answer",
    Status.YES.value: "Yes: has it, it works",
    Status.NO.value: "No: does not have it, or it does not work",
    Status.HELP.value: "Help: asked for help",
    Status.NO_ANSWER.value: "No answer to either text",
    Status.RETURNED.value: "Device returned before an answer",
}
DATE_FIELDS = ("sends_on-day", "sends_on-month", "sends_on-year", "label", "wait_days")


def _council(session: Session, caller: Caller, council: int | None) -> Organisation | None:
    if caller.organisation_kind is OrganisationKind.SCHEME and council is None:
        return None
    try:
        return safeguarding.council_of(session, caller, council)
    except InvalidInput:
        return None


@router.get("/check-ins")
def check_ins_page(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    seen: SeenAt,
    school: int | None = None,
    status: Status | None = None,
    likely_lost: bool | None = None,
    check_in_date: int | None = None,
) -> Response:
    filters = Filters(
        school_id=school, status=status, likely_lost=likely_lost, check_in_date_id=check_in_date
    )
    found = check_ins.list_check_ins(
        session, caller=caller, paging=paging, filters=filters, seen=seen
    )
    if isinstance(found, Response):
        return found
    rows = [dict(row._mapping) for row in found.items]
    council = _council(session, caller, None)
    return render(
        request,
        "devices/check_ins.html",
        {
            "found": found,
            "rows": rows,
            "names": organisation_names(session, caller, {row["school_id"] for row in rows}),
            "filters": filters,
            "schools": schools_reached(session, caller),
            "statuses": STATUSES,
            "dates": check_ins.dates_of(session, council.id) if council else [],
            "stale_days": check_in_queries.STALE_DAYS,
        },
        caller=caller,
        staff=True,
    )


def _dates_page(
    request: Request,
    session: Session,
    caller: Caller,
    council: Organisation | None,
    *,
    values: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    dates = check_ins.dates_of(session, council.id) if council else []
    return render(
        request,
        "devices/check_in_dates.html",
        {
            "council": council,
            "dates": dates,
            "sent": check_ins.sent_counts(session, [d.id for d in dates]),
            "values": values or {"wait_days": "7"},
            "field_errors": field_errors or {},
            "chooses_council": caller.organisation_kind is OrganisationKind.SCHEME,
            "can_change": council is not None
            and (
                caller.has_role(Role.SCHEME_ADMIN)
                or (caller.organisation_id == council.id and caller.has_role(Role.COUNCIL_OFFICER))
            ),
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/check-in-dates")
def dates_page(
    request: Request, session: SessionDep, caller: CouncilStaff, council: CouncilParam = None
) -> Response:
    return _dates_page(request, session, caller, _council(session, caller, council))


def _back(council: int | None) -> RedirectResponse:
    where = f"?council={council}" if council else ""
    return RedirectResponse(f"/check-in-dates{where}", status_code=303)


@router.post("/check-in-dates")
async def add_date(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    council: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    values = values_of(await request.form())
    chosen = safeguarding.council_of(session, caller, council)
    shown = {name: values.get(name) or "" for name in DATE_FIELDS}
    sends_on, date_problem = date_of(values, "sends_on", "The date")
    try:
        if date_problem:
            raise InvalidInput(date_problem, field="sends_on")
        date_in = check_ins.CheckInDateIn(
            sends_on=sends_on, label=shown["label"], wait_days=shown["wait_days"] or 7
        )
        check_ins.add_date(session, caller=caller, council=chosen, date_in=date_in)
    except ValidationError as error:
        errors = problems_of(
            error,
            {
                "label": "Name the check-in, like Spring term 2027",
                "wait_days": "Enter a number of days from 1 to 28",
            },
        )
    except DomainError as error:
        errors = problem_of(error)
    else:
        session.commit()
        return _back(council)
    session.rollback()
    return _dates_page(
        request, session, caller, chosen, values=shown, field_errors=errors, status_code=400
    )


@router.post("/check-in-dates/{date_id}/delete")
async def remove_date(
    request: Request,
    _csrf: CsrfChecked,
    date_id: int,
    session: SessionDep,
    caller: CouncilStaff,
    council: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    chosen = safeguarding.council_of(session, caller, council)
    check_ins.remove_date(session, caller=caller, council=chosen, date_id=date_id)
    session.commit()
    return _back(council)
