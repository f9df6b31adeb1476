"""Demo loans for `make run`: the school's loans with and without an accepted agreement
(one signed in person, one with a texted link waiting, one not asked), one review overdue
and one return due within the week, so the loans list and the alerts have something to show."""

from contextlib import suppress
from datetime import date, timedelta

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from devices.models import Allocation
from devices.service import loans
from dfc.caller import Caller
from dfc.errors import Conflict


def seed_loans(session: Session, *, school: Organisation, today: date) -> None:
    caller = Caller(
        organisation_id=school.id,
        organisation_kind=OrganisationKind.SCHOOL,
        organisation_name=school.name,
        role=Role.SCHOOL_STAFF,
        user_id=None,
        name="demo data",
    )
    open_loans = session.exec(
        select(Allocation)
        .where(Allocation.school_id == school.id, Allocation.returned_on.is_(None))
        .order_by(Allocation.id)
    ).all()
    plans = [
        # (review on, return by, how the agreement stands)
        (today - timedelta(days=10), None, "in-person"),
        (today + timedelta(days=180), today + timedelta(days=5), "link"),
        (today + timedelta(days=90), None, None),
    ]
    for loan, (review_on, return_by, agreement) in zip(open_loans, plans, strict=False):
        loans.set_dates(
            session,
            caller=caller,
            allocation_id=loan.id,
            review_on=max(review_on, loan.allocated_on),
            return_by=return_by,
        )
        if agreement == "in-person":
            loans.record_in_person(
                session, caller=caller, allocation_id=loan.id, witnessed_by="Sam Staff"
            )
        elif agreement == "link":
            with suppress(Conflict):  # a family without texts: left unasked in the demo
                loans.ask_by_link(session, caller=caller, allocation_id=loan.id)
    session.flush()
