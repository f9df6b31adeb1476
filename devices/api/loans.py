"""Loans: the list (overdue, due soon, without an accepted agreement; CSV with
`format=csv`), a loan's review and return dates, its agreement asked by a texted link or
recorded in person, and the council's versioned loan terms (devices.service has the rules)."""

from datetime import date

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from accounts.deps import ApiCaller, SessionDep
from devices import loans as loan_queries
from devices.api.acceptance import AcceptancePublic, InPerson
from devices.models import LoanKind
from devices.schemas import AllocationPublic, StrictModel
from devices.service import loan_terms, loans
from dfc.audit.seen import SeenAt
from dfc.errors import NotFound
from dfc.listing import Page
from dfc.paging import PagingDep
from dfc.personal_data import sharing

router = APIRouter(prefix="/api", tags=["loans"])
TABLE = "allocation"


class LoanRow(BaseModel):
    allocation_id: int
    device_id: int
    device: str
    school_id: int
    family_id: int | None
    pupil_reference: str | None
    dongle_id: int | None
    allocated_on: date
    review_on: date | None
    return_by: date | None
    next_date: date | None
    due: loan_queries.DueState
    agreement: loan_queries.AgreementState


class LoanDates(StrictModel):
    """Both dates, each null for none: what is sent replaces what was there."""

    review_on: date | None = None
    return_by: date | None = None


class LoanTermsPublic(BaseModel):
    kind: LoanKind
    code: str = Field(description="what an acceptance records as its `terms`")
    version: int | None = Field(description="the council's own version; null: the default")
    translated: bool = Field(description="true: the default, shown in the family's language")
    points: list[str]


class LoanTermsIn(StrictModel):
    kind: LoanKind
    body: str = Field(min_length=1, max_length=12000, description="one point a line")


@router.get("/loans", response_model=Page[LoanRow])
def list_loans(
    seen: SeenAt,
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    school_id: int | None = None,
    due: loan_queries.DueState | None = None,
    agreement: loan_queries.AgreementState | None = None,
):
    """Open loans with their next date and where the agreement stands: `due=overdue` or
    `due=soon` (within 7 days), `agreement=none` (not accepted). Sorted by `sort`."""
    filters = loan_queries.Filters(school_id=school_id, due=due, agreement=agreement)
    columns = sharing.shared_columns(
        caller, TABLE, list(LoanRow.model_fields), sort=paging.request.sort
    )
    found = loans.list_loans(
        session, paging, caller=caller, seen=seen, filters=filters, columns=columns
    )
    if isinstance(found, Page):
        found.items = [LoanRow.model_validate(dict(row._mapping)) for row in found.items]
    return sharing.shared(caller, TABLE, found, LoanRow)


@router.get("/loans/{allocation_id}")
def read_loan(allocation_id: int, session: SessionDep, caller: ApiCaller) -> AllocationPublic:
    loan = loans.get_loan(session, caller=caller, allocation_id=allocation_id)
    return sharing.shared(caller, TABLE, AllocationPublic.model_validate(loan))


@router.put("/loans/{allocation_id}/dates")
def set_dates(
    allocation_id: int, body: LoanDates, session: SessionDep, caller: ApiCaller
) -> AllocationPublic:
    """Sets the loan's review and return dates (null clears one)."""
    sharing.require_cover(caller, TABLE)
    loan = loans.set_dates(
        session,
        caller=caller,
        allocation_id=allocation_id,
        review_on=body.review_on,
        return_by=body.return_by,
    )
    session.commit()
    return sharing.shared(caller, TABLE, AllocationPublic.model_validate(loan))


def _agreement(caller, found, status_code: int = 200):
    return sharing.shared(
        caller, "family_acceptance", AcceptancePublic.model_validate(found),
        status_code=status_code, require=False,
    )  # fmt: skip


@router.get("/loans/{allocation_id}/agreement")
def read_agreement(allocation_id: int, session: SessionDep, caller: ApiCaller) -> AcceptancePublic:
    """The loan's latest agreement request or answer."""
    loan = loans.get_loan(session, caller=caller, allocation_id=allocation_id)
    found = loans.agreement_of(session, loan)
    if found is None:
        raise NotFound("The family has not been asked to agree to this loan", field="allocation")
    return _agreement(caller, found)


@router.post("/loans/{allocation_id}/agreement/link", status_code=status.HTTP_201_CREATED)
def ask_by_link(allocation_id: int, session: SessionDep, caller: ApiCaller) -> AcceptancePublic:
    """Texts the family a one-time link to the loan's terms in their language (14 days)."""
    found = loans.ask_by_link(session, caller=caller, allocation_id=allocation_id)
    session.commit()
    return _agreement(caller, found, status.HTTP_201_CREATED)


@router.post("/loans/{allocation_id}/agreement/in-person", status_code=status.HTTP_201_CREATED)
def in_person(
    allocation_id: int, body: InPerson, session: SessionDep, caller: ApiCaller
) -> AcceptancePublic:
    """The family signed the loan's terms in person, seen by the member of staff named."""
    found = loans.record_in_person(
        session, caller=caller, allocation_id=allocation_id, witnessed_by=body.witnessed_by
    )
    session.commit()
    return _agreement(caller, found, status.HTTP_201_CREATED)


def _terms(terms: loan_terms.Terms, kind: LoanKind) -> LoanTermsPublic:
    return LoanTermsPublic(
        kind=kind,
        code=terms.code,
        version=terms.version,
        translated=terms.translated,
        points=terms.points,
    )


@router.get("/loan-terms")
def read_terms(
    session: SessionDep, caller: ApiCaller, council_id: int | None = None
) -> list[LoanTermsPublic]:
    """The council's current terms for each kind of loan."""
    _council, current = loan_terms.council_terms(session, caller, council_id)
    return [_terms(terms, kind) for kind, terms in current.items()]


@router.post("/loan-terms", status_code=status.HTTP_201_CREATED)
def save_terms(
    body: LoanTermsIn, session: SessionDep, caller: ApiCaller, council_id: int | None = None
) -> LoanTermsPublic:
    """A new version of the council's terms for a kind of loan (council officers)."""
    saved = loan_terms.save_version(
        session, caller=caller, kind=body.kind, body=body.body, council_id=council_id
    )
    session.commit()
    terms = loan_terms.words_of(session, f"{loan_terms.COUNCIL_PREFIX}{saved.id}")
    return _terms(terms, body.kind)
