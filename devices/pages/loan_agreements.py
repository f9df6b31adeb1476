"""The loan agreement on paper, in the family's language (right to left where it reads so),
with a print stylesheet, for a family without a phone; and the council's loan terms for each
kind of loan, where its officers save a new version (devices.service.loan_terms)."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.models import Organisation
from accounts.staff import SchoolStaff
from devices.models import Device, LoanKind
from devices.service import families, loan_terms, loans
from dfc.audit.seen import SeenAt
from dfc.caller import Caller, Role
from dfc.errors import DomainError, InvalidInput
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of
from dfc.web.templating import LANGUAGE_PARAMETER, render

router = APIRouter(include_in_schema=False)
KINDS = {
    LoanKind.DEVICE: "A laptop or tablet",
    LoanKind.DEVICE_AND_DONGLE: "A laptop or tablet with a 4G dongle",
}


@router.get("/loans/{allocation_id}/agreement/print")
def printable(
    request: Request, seen: SeenAt, allocation_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    loan = loans.get_loan(session, caller=caller, allocation_id=allocation_id)
    family = families.show_family(session, caller=caller, family_id=loan.family_id, seen=seen)
    if LANGUAGE_PARAMETER not in request.query_params:
        # In the family's language first; the switcher on the page offers the others.
        url = f"/loans/{allocation_id}/agreement/print?{LANGUAGE_PARAMETER}="
        return RedirectResponse(url + family.preferred_language, status_code=303)
    agreement = loans.accepted_agreement(session, loan)
    school = session.get(Organisation, loan.school_id)
    if agreement is not None:
        terms = loan_terms.words_of(session, agreement.terms)
    else:
        council_id = (school.council_id or school.id) if school else None
        terms = loan_terms.current(session, council_id, loan_terms.kind_of(loan))
    device = session.get(Device, loan.device_id)
    return render(
        request,
        "devices/loan_agreement_print.html",
        {
            "loan": loan,
            "school": school.name if school else "",
            "device_name": (device.asset_tag or f"{device.make} {device.model}".strip())
            if device
            else "",
            "reference": family.pupil_reference,
            "points": terms.points,
            "translated": terms.translated,
            "terms_code": terms.code,
        },
        caller=caller,
    )


def _terms_page(
    request: Request,
    session: Session,
    caller: Caller,
    council_id: int | None,
    *,
    values: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        council, current = loan_terms.council_terms(session, caller, council_id)
    except InvalidInput as problem:
        council, current, field_errors = None, {}, {"council_id": problem.message}
    return render(
        request,
        "devices/loan_terms.html",
        {
            "council": council,
            "current": current,
            "kinds": KINDS,
            "values": values or {},
            "field_errors": field_errors or {},
            "can_change": council is not None
            and (
                caller.has_role(Role.SCHEME_ADMIN)
                or (caller.organisation_id == council.id and caller.has_role(Role.COUNCIL_OFFICER))
            ),
            "done": request.query_params.get("done"),
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/loan-terms")
def terms_page(
    request: Request, session: SessionDep, caller: SchoolStaff, council: int | None = None
) -> Response:
    return _terms_page(request, session, caller, council)


@router.post("/loan-terms")
def save_terms(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: SchoolStaff,
    kind: Annotated[str, Form()] = "",
    body: Annotated[str, Form()] = "",
    council: Annotated[int | None, Form()] = None,
) -> Response:
    values = {"kind": kind, f"body-{kind}": body}
    try:
        if kind not in {k.value for k in LoanKind}:
            raise InvalidInput("Choose a kind of loan", field="kind")
        loan_terms.save_version(
            session, caller=caller, kind=LoanKind(kind), body=body, council_id=council
        )
    except DomainError as refused:
        session.rollback()
        errors = problem_of(refused)
        if "body" in errors:
            errors[f"body-{kind}"] = errors.pop("body")
        return _terms_page(
            request, session, caller, council,
            values=values, field_errors=errors, status_code=refused.status_code,
        )  # fmt: skip
    session.commit()
    suffix = f"&council={council}" if council else ""
    return RedirectResponse(f"/loan-terms?done={kind}{suffix}", status_code=303)
