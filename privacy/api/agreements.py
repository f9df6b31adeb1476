"""The HTTP API for information sharing agreements: council officers and scheme admins
list, record, read and end early the agreements of the councils they reach."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, status
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session

from accounts.deps import SessionDep, StaffManager
from dfc.caller import Caller
from dfc.csv_export import csv_lines
from dfc.listing import Page, apply_sort
from dfc.paging import Paging, PagingDep, check_export_size, listing
from dfc.personal_data.categories import DataCategory
from dfc.web.responses import csv_response
from privacy import agreements
from privacy.agreements_models import AgreementCreate, AgreementEnd, AgreementPublic

router = APIRouter(prefix="/api/privacy/agreements", tags=["data protection: sharing"])
CSV_COLUMNS = (
    "id",
    "reference",
    "council_id",
    "council_name",
    "partner_id",
    "partner",
    "purpose",
    "categories",
    "starts_on",
    "ends_on",
    "ended_early_on",
    "status",
)
Status = Literal["not-started", "in-force", "ended"]


class AgreementSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    council_id: int
    council_name: str
    partner_id: int | None
    partner: str
    purpose: str
    categories: list[DataCategory]
    starts_on: date
    ends_on: date
    ended_early_on: date | None
    status: Status
    created_at: datetime


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        return "; ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def agreement_list(
    session: Session,
    caller: Caller,
    paging: Paging,
    *,
    status: str | None = None,
    search: str | None = None,
) -> Page[Any] | Response:
    """A page of the caller's agreements, or every one of them as CSV (the kinds of data
    covered joined by '; '). The API and the list page both answer with this."""
    statement = agreements.agreement_summaries(caller, status=status, search=search)
    if not paging.csv:
        return listing(
            session,
            statement,
            paging,
            sortable=agreements.SORTABLE,
            default_sort="ends_on",
            columns=CSV_COLUMNS,
            filename="sharing-agreements.csv",
        )
    statement = apply_sort(
        statement, paging.request.sort, columns=agreements.SORTABLE, default="ends_on"
    )
    check_export_size(session, statement)
    rows = (
        [_csv_cell(row._mapping[column]) for column in CSV_COLUMNS]
        for row in session.execute(statement)
    )
    return csv_response(csv_lines(CSV_COLUMNS, rows), filename="sharing-agreements.csv")


@router.get("", response_model=Page[AgreementSummary])
def list_agreements(
    session: SessionDep,
    caller: StaffManager,
    paging: PagingDep,
    status: Status | None = None,
    search: Annotated[str | None, Query(max_length=100)] = None,
):
    """The agreements of the councils the caller reaches, soonest ending first."""
    return agreement_list(session, caller, paging, status=status, search=search)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_agreement(
    agreement_in: AgreementCreate, session: SessionDep, caller: StaffManager
) -> AgreementPublic:
    """Records an agreement. 422 names the field to fix: an end not after the start, no kind
    of data, or another party that does not exist; 409 for a reference the council has."""
    agreement = agreements.create_agreement(session, caller=caller, agreement_in=agreement_in)
    session.commit()
    return AgreementPublic.model_validate(agreement)


@router.get("/{agreement_id}")
def read_agreement(agreement_id: int, session: SessionDep, caller: StaffManager) -> AgreementPublic:
    return AgreementPublic.model_validate(
        agreements.get_agreement(session, caller=caller, agreement_id=agreement_id)
    )


@router.post("/{agreement_id}/end")
def end_agreement(
    agreement_id: int, end_in: AgreementEnd, session: SessionDep, caller: StaffManager
) -> AgreementPublic:
    """Ends an agreement early: from `on` it is no longer in force and keys tied to it get
    403."""
    agreement = agreements.end_agreement_early(
        session, caller=caller, agreement_id=agreement_id, end_in=end_in
    )
    session.commit()
    return AgreementPublic.model_validate(agreement)
