"""What the incident tests share: a council with a school, its staff and officer signed in
by API key, a family with a laptop, files stored in the test's own folder."""

import pytest
from sqlmodel import Session

from accounts.models import Role
from devices.models import CouncilSafeguarding
from dfc.settings import get_settings
from tests.devices.factories import (
    make_allocation,
    make_device,
    make_family,
    require_no_handover_steps,
)
from tests.factories import bearer, make_council, make_school, make_user

LEAD = "lead@council.example.org"


@pytest.fixture(autouse=True)
def media_store(monkeypatch: pytest.MonkeyPatch, tmp_path):
    monkeypatch.setenv("MEDIA_STORAGE", str(tmp_path / "media"))
    get_settings.cache_clear()
    yield tmp_path / "media"
    get_settings.cache_clear()


@pytest.fixture
def council(session: Session):
    council = make_council(session)
    require_no_handover_steps(session, council)
    session.add(CouncilSafeguarding(council_id=council.id, lead_email=LEAD, updated_by="test"))
    session.commit()
    return council


@pytest.fixture
def school(session: Session, council):
    return make_school(session, council=council)


@pytest.fixture
def staff(session: Session, school):
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


@pytest.fixture
def officer(session: Session, council):
    return bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))


@pytest.fixture
def other_staff(session: Session, council):
    other = make_school(session, council=make_council(session))
    return bearer(session, make_user(session, organisation=other, role=Role.SCHOOL_STAFF))


@pytest.fixture
def family(session: Session, school):
    return make_family(session, school=school)


@pytest.fixture
def laptop(session: Session, school, family):
    device = make_device(session, holder=school, serial="FAMILYLAPTOP1")
    make_allocation(session, device=device, family=family)
    return device


@pytest.fixture
def loaner(session: Session, school):
    return make_device(session, holder=school, serial="LOANER1")


def record(client, headers, device, **body):
    return client.post(
        "/api/incidents",
        headers=headers,
        json={
            "device_id": device.id,
            "kind": "damage",
            "happened_on": "2026-03-02",
            "description": "Screen cracked when the laptop fell off a table",
        }
        | body,
    )
