"""Shared set-up for the information sharing agreement tests: two councils, their officers,
a trust to share with, and agreements recorded through the service."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session

from accounts.models import Organisation, Role, User
from dfc.caller import Caller
from dfc.clock import today
from privacy.agreements import create_agreement
from privacy.agreements_models import AgreementCreate, SharingAgreement
from tests.factories import make_council, make_school, make_trust, make_user


@dataclass
class World:
    council: Organisation
    school: Organisation
    officer: User
    other_council: Organisation
    other_officer: User
    trust: Organisation


def build_world(session: Session) -> World:
    council = make_council(session, name="Camden")
    other = make_council(session, name="Hackney")
    return World(
        council=council,
        school=make_school(session, council=council),
        officer=make_user(session, organisation=council, role=Role.COUNCIL_OFFICER),
        other_council=other,
        other_officer=make_user(session, organisation=other, role=Role.COUNCIL_OFFICER),
        trust=make_trust(session, name="Northern Star Trust"),
    )


def as_caller(session: Session, user: User) -> Caller:
    organisation = session.get(Organisation, user.organisation_id)
    return Caller.for_user(user, organisation)


def record(
    session: Session,
    user: User,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    **changes: Any,
) -> SharingAgreement:
    """An agreement recorded by `user` through the service and committed."""
    caller = as_caller(session, user)
    fields = {
        "reference": "ISG-1001",
        "partner_name": "Laptop Repairs Ltd",
        "purpose": "Repairing pupils' laptops",
        "categories": ["contact"],
        "starts_on": starts_on or today() - timedelta(days=30),
        "ends_on": ends_on or today() + timedelta(days=335),
    } | changes
    agreement = create_agreement(
        session, caller=caller, agreement_in=AgreementCreate.model_validate(fields)
    )
    session.commit()
    return agreement
