"""Allocating to a new family is one service flow, called by the page and the API alike: the
family and its allocation are saved together, or neither is; and a refused write undoes
only itself, never the caller's other work."""

import pytest
from sqlmodel import Session, func, select

from accounts.models import Organisation, Role
from devices.connectivity_schemas import DongleCreate
from devices.errors import DuplicateRecord
from devices.models import Allocation, DeviceStatus, Dongle, Family
from devices.service import connectivity
from dfc.caller import Caller
from dfc.clock import today
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user


@pytest.fixture
def school(session: Session):
    return make_school(session, council=make_council(session))


@pytest.fixture
def headers(session: Session, school):
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


def count(session: Session, model) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(model)).one()


def body(school, device, **family):
    return {
        "device_id": device.id,
        "allocated_on": today().isoformat(),
        "family": {"school_id": school.id, "pupil_reference": "P-NEW-1", **family},
    }


def test_the_api_adds_the_family_and_allocates_the_device_together(
    session, client, school, headers
):
    device = make_device(session, holder=school)
    answer = client.post(
        "/api/allocations/new-family",
        json=body(school, device, phone_number="07911 123456", preferred_language="pl"),
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    family = session.get(Family, answer.json()["family_id"])
    assert (family.pupil_reference, family.phone_number) == ("P-NEW-1", "+447911123456")
    session.refresh(device)
    assert device.status is DeviceStatus.WITH_FAMILY


def test_a_refused_allocation_keeps_no_new_family(session, client, school, headers):
    device = make_device(session, holder=school, status=DeviceStatus.WITH_FAMILY)
    answer = client.post("/api/allocations/new-family", json=body(school, device), headers=headers)
    assert answer.status_code == 409, answer.text
    assert count(session, Family) == 0 and count(session, Allocation) == 0


def test_a_bad_family_detail_names_its_field_and_saves_nothing(session, client, school, headers):
    device = make_device(session, holder=school)
    answer = client.post(
        "/api/allocations/new-family",
        json=body(school, device, phone_number="not a phone"),
        headers=headers,
    )
    assert answer.status_code == 422 and "phone_number" in answer.text
    assert count(session, Family) == 0


def test_a_duplicate_undoes_only_itself_and_the_callers_other_work_carries_on(session, school):
    caller = Caller.for_user(
        make_user(session, organisation=school, role=Role.SCHOOL_STAFF),
        session.get_one(Organisation, school.id),
    )
    dongle_in = DongleCreate(imei="356938035643809", holder_id=school.id, received_on=today())
    first = connectivity.create_dongle(session, caller=caller, dongle_in=dongle_in)  # not committed
    with pytest.raises(DuplicateRecord):
        connectivity.create_dongle(session, caller=caller, dongle_in=dongle_in)
    session.commit()  # the session is still usable, and the first dongle was not rolled back
    assert count(session, Dongle) == 1 and session.get(Dongle, first.id) is not None
