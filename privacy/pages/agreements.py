"""Staff pages for information sharing agreements: the list (filtered, sorted, paged, CSV),
recording a new agreement, and an agreement's page with the keys tied to it and a form to
end it early. Council officers and scheme admins only; another council's agreement is 404."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts import organisations
from accounts.deps import SessionDep
from accounts.models import OrganisationKind
from accounts.pages.admin_common import organisation_groups
from accounts.staff import CouncilStaff
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import DomainError
from dfc.paging import PagingDep
from dfc.personal_data.categories import DataCategory
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, problems_of, values_of
from dfc.web.templating import render
from privacy import agreements
from privacy.agreements_models import AgreementCreate, AgreementEnd
from privacy.api.agreements import Status, agreement_list

router = APIRouter(include_in_schema=False)
DEFAULT_SORT = "ends_on"
CATEGORY_LABELS = {
    DataCategory.CONTACT: "Contact details: a family's phone number and email address",
    DataCategory.PUPIL: "Pupil details: the school's pupil reference and year group",
    DataCategory.PREFERENCE: "Preferences: a family's language, consent to texts and broadband",
    DataCategory.FREE_TEXT: "Free text: what families and staff wrote, such as ticket messages",
    DataCategory.STAFF: "Staff names and work email addresses",
    DataCategory.ONLINE: "Online identifiers: IP addresses, session and key identifiers",
}
STATUS_LABELS = {"not-started": "Not started", "in-force": "In force", "ended": "Ended"}
MESSAGES = {
    "reference": "Enter the agreement's reference, like its Information Sharing Gateway id "
    "(up to 100 characters)",
    "council_id": "Choose the council that shares the data",
    "partner_name": "Enter the other party's name (up to 200 characters)",
    "purpose": "Enter why the data is shared (up to 2,000 characters)",
    "categories": "Choose at least one kind of data the agreement covers",
    "reason": "Enter why the agreement is ending early (up to 500 characters)",
}
DONE = {
    "recorded": "Agreement recorded.",
    "ended": "Agreement ended. Keys tied to it stop working from the day you gave.",
}


@router.get("/privacy/agreements")
def agreements_page(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
    status: Status | None = None,
    search: str | None = None,
) -> Response:
    found = agreement_list(session, caller, paging, status=status, search=search)
    if isinstance(found, Response):
        return found
    context = {
        "rows": found,
        "filters": {"status": status, "search": search},
        "status_choices": list(STATUS_LABELS.items()),
        "status_labels": STATUS_LABELS,
        "default_sort": DEFAULT_SORT,
    }
    return render(request, "privacy/agreements_list.html", context, caller=caller, staff=True)


def _form(
    request: Request,
    session: Session,
    caller: Caller,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    councils = []
    if caller.organisation_kind is not OrganisationKind.COUNCIL:
        choices = organisations.organisation_choices(
            session, caller=caller, kind=OrganisationKind.COUNCIL
        )
        councils = [(council.id, council.name) for council in choices]
    context = {
        "values": values,
        "field_errors": errors,
        "councils": councils,
        "partners": organisation_groups(agreements.partner_choices(session)),
        "category_labels": CATEGORY_LABELS,
    }
    return render(
        request,
        "privacy/agreements_new.html",
        context,
        caller=caller,
        staff=True,
        status_code=400 if errors else 200,
    )


@router.get("/privacy/agreements/new")
def new_agreement(request: Request, session: SessionDep, caller: CouncilStaff) -> Response:
    return _form(request, session, caller, {"categories": []}, {})


def _dates(values: dict[str, Any], data: dict[str, Any], errors: dict[str, str]) -> None:
    for name, label in (("starts_on", "The start date"), ("ends_on", "The end date")):
        data[name], problem = date_of(values, name, label)
        if problem:
            errors[name] = problem


@router.post("/privacy/agreements")
async def record_agreement(
    request: Request, _csrf: CsrfChecked, session: SessionDep, caller: CouncilStaff
) -> Response:
    form = await request.form()
    values = values_of(form)
    values["categories"] = [str(value) for value in form.getlist("categories")]
    fields = ("reference", "council_id", "partner_id", "partner_name", "purpose", "categories")
    data = {field: values.get(field) for field in fields}
    errors: dict[str, str] = {}
    _dates(values, data, errors)
    try:
        agreement_in = AgreementCreate(**{k: v for k, v in data.items() if k not in errors})
    except ValidationError as invalid:
        errors = problems_of(invalid, MESSAGES) | errors
    else:
        if not errors:
            try:
                agreement = agreements.create_agreement(
                    session, caller=caller, agreement_in=agreement_in
                )
            except DomainError as refused:
                session.rollback()
                errors = problem_of(refused)
            else:
                session.commit()
                return RedirectResponse(
                    f"/privacy/agreements/{agreement.id}?done=recorded", status_code=303
                )
    # In the form's order, so the error summary reads top to bottom like the form.
    order = [*fields[:5], "categories", "starts_on", "ends_on"]
    errors = dict(sorted(errors.items(), key=lambda item: _position(order, item[0])))
    return _form(request, session, caller, values, errors)


def _position(order: list[str], field: str) -> int:
    return order.index(field) if field in order else len(order)


def _detail(
    request: Request,
    session: Session,
    caller: Caller,
    agreement_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
) -> Response:
    agreement = agreements.get_agreement(session, caller=caller, agreement_id=agreement_id)
    council = organisations.get_organisation(
        session, caller=caller, organisation_id=agreement.council_id
    )
    context = {
        "agreement": agreement,
        "council": council,
        "partner": agreements.partner_label(session, agreement),
        "status": STATUS_LABELS[agreements.status_on(agreement, today())],
        "category_labels": CATEGORY_LABELS,
        "keys": agreements.keys_tied_to(session, caller=caller, agreement_id=agreement_id),
        "values": values,
        "field_errors": errors,
        "done": DONE.get(request.query_params.get("done", "")),
    }
    return render(
        request,
        "privacy/agreements_detail.html",
        context,
        caller=caller,
        staff=True,
        status_code=400 if errors else 200,
    )


@router.get("/privacy/agreements/{agreement_id}")
def agreement_page(
    agreement_id: int, request: Request, session: SessionDep, caller: CouncilStaff
) -> Response:
    return _detail(request, session, caller, agreement_id, {}, {})


@router.post("/privacy/agreements/{agreement_id}/end")
async def end_agreement(
    agreement_id: int,
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
) -> Response:
    values = values_of(await request.form())
    on, problem = date_of(values, "on", "The date")
    errors = {"on": problem} if problem else {}
    try:
        end_in = AgreementEnd(on=on, reason=values.get("reason"))
    except ValidationError as invalid:
        errors = errors | {k: v for k, v in problems_of(invalid, MESSAGES).items() if k != "on"}
    else:
        if not errors:
            try:
                agreements.end_agreement_early(
                    session, caller=caller, agreement_id=agreement_id, end_in=end_in
                )
            except DomainError as refused:
                session.rollback()
                if refused.status_code == 404:
                    raise
                errors = problem_of(refused)
            else:
                session.commit()
                return RedirectResponse(
                    f"/privacy/agreements/{agreement_id}?done=ended", status_code=303
                )
    return _detail(request, session, caller, agreement_id, values, errors)
