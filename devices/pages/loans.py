"""Loans: the overdue and due-soon list and the loans without an accepted agreement (one
list, filtered, sorted, paged and as CSV), and a loan's page, where staff set its review and
return dates and ask the family to accept its agreement by a texted link or record it in
person (devices.service.loans has the rules)."""

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.models import Organisation
from accounts.staff import SchoolStaff
from devices import loans as loan_queries
from devices.models import Allocation, Device
from devices.service import families, loan_terms, loans
from devices.service.access import organisation_names, schools_reached
from dfc.audit.seen import SeenAt, Where
from dfc.caller import Caller
from dfc.errors import DomainError
from dfc.i18n import BY_CODE
from dfc.paging import PagingDep
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
DUE = {
    loan_queries.DueState.OVERDUE.value: "Overdue",
    loan_queries.DueState.SOON.value: f"Due within {loan_queries.SOON_DAYS} days",
    loan_queries.DueState.LATER.value: "Later",
    loan_queries.DueState.NONE.value: "No date set",
}
AGREEMENT = {
    loan_queries.AgreementState.NONE.value: "Not accepted",
    loan_queries.AgreementState.ASKED.value: "Link sent, no answer yet",
    loan_queries.AgreementState.ACCEPTED.value: "Accepted",
}
DATE_LABELS = {"review_on": "Review date", "return_by": "Return date"}


@router.get("/loans")
def loan_list(
    request: Request,
    seen: SeenAt,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    school: int | None = None,
    due: loan_queries.DueState | None = None,
    agreement: loan_queries.AgreementState | None = None,
) -> Response:
    filters = loan_queries.Filters(school_id=school, due=due, agreement=agreement)
    found = loans.list_loans(session, paging, caller=caller, seen=seen, filters=filters)
    if isinstance(found, Response):
        return found
    rows = [dict(row._mapping) for row in found.items]
    return render(
        request,
        "devices/loans.html",
        {
            "found": found,
            "rows": rows,
            "names": organisation_names(session, caller, {row["school_id"] for row in rows}),
            "filters": filters,
            "default_sort": loan_queries.DEFAULT_SORT,
            "schools": schools_reached(session, caller),
            "due_states": DUE,
            "agreement_states": AGREEMENT,
        },
        caller=caller,
        staff=True,
    )


def loan_dates_of(values: dict[str, Any]) -> tuple[dict[str, date | None], dict[str, str]]:
    """The review and return dates from a form (a date left blank is none), and what is
    wrong with them, by field."""
    dates: dict[str, date | None] = {}
    errors: dict[str, str] = {}
    for name, label in DATE_LABELS.items():
        parts = (values.get(f"{name}-{part}") or "" for part in ("day", "month", "year"))
        if not any(part.strip() for part in parts):
            dates[name] = None
            continue
        dates[name], problem = date_of(values, name, label)
        if problem:
            errors[name] = problem
    return dates, errors


def _date_values(loan: Allocation) -> dict[str, str]:
    values: dict[str, str] = {}
    for name in DATE_LABELS:
        day = getattr(loan, name)
        if day is not None:
            values.update(
                {f"{name}-day": str(day.day), f"{name}-month": str(day.month)}
                | {f"{name}-year": str(day.year)}
            )
    return values


def _page(
    request: Request,
    session: Session,
    caller: Caller,
    seen: Where,
    allocation_id: int,
    *,
    values: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    loan = loans.get_loan(session, caller=caller, allocation_id=allocation_id)
    family = families.show_family(session, caller=caller, family_id=loan.family_id, seen=seen)
    agreement = loans.agreement_of(session, loan)
    school = session.get(Organisation, loan.school_id)
    council_id = (school.council_id or school.id) if school else None
    terms = loan_terms.current(session, council_id, loan_terms.kind_of(loan))
    return render(
        request,
        "devices/loan.html",
        {
            "loan": loan,
            "family": family,
            "device": session.get(Device, loan.device_id),
            "school": school,
            "agreement": agreement,
            "terms": terms,
            "values": _date_values(loan) if values is None else values,
            "field_errors": field_errors or {},
            "done": request.query_params.get("done"),
            "language_names": BY_CODE,
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/loans/{allocation_id}")
def loan_page(
    request: Request, seen: SeenAt, allocation_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    return _page(request, session, caller, seen, allocation_id)


@router.post("/loans/{allocation_id}/dates")
async def set_dates(
    request: Request,
    _csrf: CsrfChecked,
    seen: SeenAt,
    allocation_id: int,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    dates, errors = loan_dates_of(values)
    if not errors:
        try:
            loans.set_dates(session, caller=caller, allocation_id=allocation_id, **dates)
            session.commit()
            return RedirectResponse(f"/loans/{allocation_id}?done=dates", status_code=303)
        except DomainError as refused:
            session.rollback()
            if refused.status_code != 422:
                raise
            errors = problem_of(refused)
    return _page(
        request, session, caller, seen, allocation_id,
        values=values, field_errors=errors, status_code=400,
    )  # fmt: skip


@router.post("/loans/{allocation_id}/agreement/link")
def text_link(
    request: Request,
    _csrf: CsrfChecked,
    seen: SeenAt,
    allocation_id: int,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    try:
        loans.ask_by_link(session, caller=caller, allocation_id=allocation_id)
    except DomainError as refused:
        session.rollback()
        return _page(
            request, session, caller, seen, allocation_id,
            values={}, field_errors={"agreement-method": refused.message},
            status_code=refused.status_code,
        )  # fmt: skip
    session.commit()
    return RedirectResponse(f"/loans/{allocation_id}?done=agreement-link#agreement", 303)


@router.post("/loans/{allocation_id}/agreement/in-person")
async def in_person(
    request: Request,
    _csrf: CsrfChecked,
    seen: SeenAt,
    allocation_id: int,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    try:
        loans.record_in_person(
            session,
            caller=caller,
            allocation_id=allocation_id,
            witnessed_by=values.get("witnessed_by", ""),
        )
    except DomainError as refused:
        session.rollback()
        field = "witnessed_by" if refused.field == "witnessed_by" else "method"
        return _page(
            request, session, caller, seen, allocation_id,
            values=values, field_errors={f"agreement-{field}": refused.message},
            status_code=refused.status_code,
        )  # fmt: skip
    session.commit()
    return RedirectResponse(f"/loans/{allocation_id}?done=agreement-in-person#agreement", 303)
