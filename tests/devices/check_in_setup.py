"""A council with a check-in date and families with laptops, for the check-in tests."""

from datetime import UTC, date, datetime

from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from devices.models import CheckInDate, Device, Family
from dfc.caller import Caller
from tests.devices.factories import make_allocation, make_device, make_family
from tests.factories import make_user

SENDS_ON = date(2026, 11, 2)  # a Monday, the council's autumn check-in
MORNING = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # 09:00 in London


def make_check_in_date(
    session: Session, council: Organisation, *, sends_on: date = SENDS_ON, wait_days: int = 7
) -> CheckInDate:
    saved = CheckInDate(
        council_id=council.id,
        sends_on=sends_on,
        label="Autumn term 2026",
        wait_days=wait_days,
        created_by="Olu Officer",
    )
    session.add(saved)
    session.commit()
    return saved


def family_with_laptop(
    session: Session, school: Organisation, *, language: str = "en", tag: str | None = None
) -> tuple[Family, Device]:
    family = make_family(session, school=school, language=language)
    device = make_device(session, holder=school)
    device.asset_tag = tag
    make_allocation(session, device=device, family=family)
    return family, device


def staff_of(session: Session, organisation: Organisation) -> Caller:
    """A member of staff of `organisation` (a school's staff, a council's officer)."""
    role = (
        Role.COUNCIL_OFFICER if organisation.kind is OrganisationKind.COUNCIL else Role.SCHOOL_STAFF
    )
    user = make_user(session, organisation=organisation, role=role)
    return Caller.for_user(user, organisation)
