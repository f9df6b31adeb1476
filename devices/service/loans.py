"""A loan is an open allocation: its review and return dates, and its agreement, which the
family accepts by a texted link or in person (the same rules as a handover's acceptance:
devices.service.acceptance, purpose "loan")."""

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from fastapi.responses import StreamingResponse
from sqlmodel import Session, select

from devices import loans as loan_queries
from devices.models import (
    AcceptanceAnswer,
    AcceptancePurpose,
    Allocation,
    FamilyAcceptance,
)
from devices.service import acceptance
from devices.service.access import get_scoped, require_writer
from devices.service.loan_rules import require_loan_dates
from dfc.audit.models import AuditAction, SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.clock import today as london_today
from dfc.db_types import utcnow
from dfc.errors import Conflict
from dfc.listing import Page
from dfc.paging import Paging, listing

LOAN = AcceptancePurpose.LOAN


def get_loan(session: Session, *, caller: Caller, allocation_id: int) -> Allocation:
    """The allocation, if the caller's organisation reaches its school (else 404)."""
    return get_scoped(session, caller, Allocation, allocation_id, Allocation.school_id, "loan")


def _open(session: Session, caller: Caller, allocation_id: int) -> Allocation:
    loan = get_loan(session, caller=caller, allocation_id=allocation_id)
    if loan.returned_on is not None:
        raise Conflict(
            f"Loan {allocation_id} ended on {loan.returned_on.isoformat()}: it cannot change",
            field="allocation",
        )
    return loan


def set_dates(
    session: Session,
    *,
    caller: Caller,
    allocation_id: int,
    review_on: date | None,
    return_by: date | None,
) -> Allocation:
    """Sets (or clears, with None) the loan's review and return dates; neither may be
    before the loan began."""
    require_writer(caller)
    loan = _open(session, caller, allocation_id)
    require_loan_dates(loan.allocated_on, review_on, return_by)
    loan.review_on, loan.return_by = review_on, return_by
    session.add(loan)
    session.flush()
    return loan


def ask_by_link(
    session: Session, *, caller: Caller, allocation_id: int, now: datetime | None = None
) -> FamilyAcceptance:
    """Texts the family a one-time link to the loan's terms in their language."""
    loan = _open(session, caller, allocation_id)
    return acceptance.ask_by_link(
        session, caller=caller, device_id=loan.device_id, purpose=LOAN, now=now
    )


def record_in_person(
    session: Session,
    *,
    caller: Caller,
    allocation_id: int,
    witnessed_by: str,
    now: datetime | None = None,
) -> FamilyAcceptance:
    """The family signed the terms at school, seen by `witnessed_by`."""
    loan = _open(session, caller, allocation_id)
    return acceptance.record_in_person(
        session,
        caller=caller,
        device_id=loan.device_id,
        witnessed_by=witnessed_by,
        purpose=LOAN,
        now=now,
    )


def agreement_of(session: Session, loan: Allocation) -> FamilyAcceptance | None:
    """The loan's latest agreement request or answer (already scoped through `loan`)."""
    return session.exec(
        select(FamilyAcceptance)
        .where(
            FamilyAcceptance.device_id == loan.device_id,
            FamilyAcceptance.family_id == loan.family_id,
            FamilyAcceptance.purpose == LOAN,
        )
        .order_by(FamilyAcceptance.asked_at.desc(), FamilyAcceptance.id.desc())
    ).first()


def accepted_agreement(session: Session, loan: Allocation) -> FamilyAcceptance | None:
    """The family's accepted agreement for the loan, the latest if several."""
    return session.exec(
        select(FamilyAcceptance)
        .where(
            FamilyAcceptance.device_id == loan.device_id,
            FamilyAcceptance.family_id == loan.family_id,
            FamilyAcceptance.purpose == LOAN,
            FamilyAcceptance.answer == AcceptanceAnswer.ACCEPTED,
        )
        .order_by(FamilyAcceptance.answered_at.desc(), FamilyAcceptance.id.desc())
    ).first()


def list_loans(
    session: Session,
    paging: Paging,
    *,
    caller: Caller,
    seen: Where,
    filters: loan_queries.Filters,
    columns: Sequence[str] | None = None,
) -> Page[Any] | StreamingResponse:
    """A page of the caller's open loans (or all, as CSV), each family on it recorded as
    read (or exported) in the access audit."""
    statement = loan_queries.loans(caller, today=london_today(), now=utcnow(), filters=filters)
    sortable = {column.name: column for column in statement.selected_columns}
    found = listing(
        session,
        statement,
        paging,
        sortable=sortable,
        default_sort=loan_queries.DEFAULT_SORT,
        columns=list(columns or sortable),
        filename="loans.csv",
        tiebreak=[sortable["allocation_id"]],
    )
    if isinstance(found, Page):
        family_ids = [row._mapping["family_id"] for row in found.items]
        record_shown(session, caller, seen, subject_type=SubjectType.FAMILY, subjects=family_ids)
    else:
        record_shown(
            session,
            caller,
            seen,
            action=AuditAction.EXPORT,
            subject_type=SubjectType.FAMILY,
            subjects=statement.with_only_columns(Allocation.family_id),
        )
    return found
