"""A dongle paired with a laptop (delivered on the same manifest row) goes to the family with
it and comes back with it; unpairing lets each be allocated alone. Through the API."""

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from devices.models import Allocation, DeviceStatus, Dongle, DongleStatus
from tests.devices.factories import (
    make_device,
    make_dongle_with_sim,
    make_family,
    require_no_handover_steps,
)
from tests.factories import bearer, make_council, make_school, make_user


@pytest.fixture
def school(session: Session):
    council = make_council(session)
    require_no_handover_steps(session, council)  # the checklist's own tests: test_handover.py
    return make_school(session, council=council)


@pytest.fixture
def staff(session: Session, school):
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


@pytest.fixture
def laptop(session: Session, school):
    return make_device(session, holder=school)


@pytest.fixture
def paired(session: Session, school, laptop) -> Dongle:
    dongle, _sim = make_dongle_with_sim(session, holder=school, device=laptop)
    return dongle


def allocate(client, headers, device, family, on="2026-02-01", **extra):
    return client.post(
        "/api/allocations",
        headers=headers,
        json={"device_id": device.id, "family_id": family.id, "allocated_on": on} | extra,
    )


def act(client, headers, device, action: str, **body):
    return client.post(
        f"/api/devices/{device.id}/{action}", headers=headers, json={"on": "2026-03-01"} | body
    )


def unpair(client, headers, dongle):
    return client.post(f"/api/dongles/{dongle.id}/unpair", headers=headers)


def dongle_now(session: Session, dongle: Dongle) -> tuple[str, int | None]:
    session.expire_all()
    fresh = session.get(Dongle, dongle.id)
    return fresh.status.value, fresh.paired_device_id


def test_a_paired_dongle_goes_to_the_family_with_its_laptop_and_comes_back_with_it(
    client, session, school, staff, laptop, paired
):
    family = make_family(session, school=school)
    response = allocate(client, staff, laptop, family)
    assert response.status_code == 201, response.text
    assert response.json()["dongle_id"] == paired.id
    assert dongle_now(session, paired) == ("with-family", laptop.id)
    assert act(client, staff, laptop, "return").status_code == 200
    assert dongle_now(session, paired) == ("returned", laptop.id)
    again = allocate(client, staff, laptop, make_family(session, school=school), on="2026-03-02")
    assert again.status_code == 201, again.text
    assert again.json()["dongle_id"] == paired.id
    assert dongle_now(session, paired) == ("with-family", laptop.id)


def test_naming_the_paired_dongle_is_the_same_as_leaving_it_out(
    client, session, school, staff, laptop, paired
):
    family = make_family(session, school=school)
    response = allocate(client, staff, laptop, family, dongle_id=paired.id, collected=False)
    assert response.status_code == 201, response.text
    assert dongle_now(session, paired) == ("allocated", laptop.id)


def test_another_dongle_cannot_replace_the_paired_one_until_it_is_unpaired(
    client, session, school, staff, laptop, paired
):
    other, _sim = make_dongle_with_sim(session, holder=school)
    family = make_family(session, school=school)
    refused = allocate(client, staff, laptop, family, dongle_id=other.id)
    assert refused.status_code == 422
    assert refused.json()["field"] == "dongle_id" and paired.imei in refused.json()["detail"]
    assert session.exec(select(Allocation)).all() == []

    response = unpair(client, staff, paired)
    assert response.status_code == 200, response.text
    assert response.json()["paired_device_id"] is None
    events = client.get(f"/api/devices/{laptop.id}/events", headers=staff).json()
    assert events[-1]["action"] == "dongle-unpaired"
    assert events[-1]["after"]["imei"] == paired.imei

    assert allocate(client, staff, laptop, family, dongle_id=other.id).status_code == 201
    assert dongle_now(session, other) == ("with-family", laptop.id)
    assert dongle_now(session, paired) == ("in-stock", None)


def test_an_unpaired_laptop_goes_alone_and_its_former_dongle_with_another(
    client, session, school, staff, laptop, paired
):
    assert unpair(client, staff, paired).status_code == 200
    first = allocate(client, staff, laptop, make_family(session, school=school))
    assert first.status_code == 201 and first.json()["dongle_id"] is None
    second_laptop = make_device(session, holder=school)
    family = make_family(session, school=school)
    second = allocate(client, staff, second_laptop, family, dongle_id=paired.id)
    assert second.status_code == 201, second.text
    assert dongle_now(session, paired) == ("with-family", second_laptop.id)


def test_a_dongle_out_with_a_family_cannot_be_unpaired(
    client, session, school, staff, laptop, paired
):
    allocate(client, staff, laptop, make_family(session, school=school))
    refused = unpair(client, staff, paired)
    assert refused.status_code == 409 and "record the device's return" in refused.json()["detail"]
    assert dongle_now(session, paired) == ("with-family", laptop.id)
    act(client, staff, laptop, "return")
    assert unpair(client, staff, paired).status_code == 200
    again = unpair(client, staff, paired)
    assert again.status_code == 409 and "not paired" in again.json()["detail"]


def test_a_broken_paired_dongle_holds_up_the_laptop_until_it_is_unpaired(
    client, session, school, staff, laptop, paired
):
    paired.status = DongleStatus.FAULTY
    session.add(paired)
    session.commit()
    family = make_family(session, school=school)
    refused = allocate(client, staff, laptop, family)
    assert refused.status_code == 409
    assert "faulty" in refused.json()["detail"] and "unpair" in refused.json()["detail"]
    assert unpair(client, staff, paired).status_code == 200
    assert allocate(client, staff, laptop, family).json()["dongle_id"] is None


def test_another_schools_dongle_cannot_be_unpaired_or_given(client, session, school, staff, laptop):
    elsewhere = make_school(session, council=make_council(session))
    their_laptop = make_device(session, holder=elsewhere)
    theirs, _sim = make_dongle_with_sim(session, holder=elsewhere, device=their_laptop)
    assert unpair(client, staff, theirs).status_code == 404
    family = make_family(session, school=school)
    refused = allocate(client, staff, laptop, family, dongle_id=theirs.id)
    assert refused.status_code == 422 and refused.json()["field"] == "dongle_id"


def test_a_support_agent_cannot_unpair(client, session, school, paired):
    agent = bearer(session, make_user(session, organisation=school, role=Role.SUPPORT_AGENT))
    assert unpair(client, agent, paired).status_code == 403


def test_a_swap_moves_the_familys_dongle_and_refuses_a_replacement_with_its_own(
    client, session, school, staff, laptop, paired
):
    allocation_id = allocate(client, staff, laptop, make_family(session, school=school)).json()[
        "id"
    ]
    spare = make_device(session, holder=school)
    spares_dongle, _sim = make_dongle_with_sim(session, holder=school, device=spare)
    refused = act(client, staff, laptop, "swap", replacement_device_id=spare.id)
    assert refused.status_code == 422 and refused.json()["field"] == "replacement_device_id"
    assert spares_dongle.imei in refused.json()["detail"]
    assert dongle_now(session, paired) == ("with-family", laptop.id)

    plain_spare = make_device(session, holder=school)
    swapped = act(client, staff, laptop, "swap", replacement_device_id=plain_spare.id)
    assert swapped.status_code == 200, swapped.text
    assert (swapped.json()["id"], swapped.json()["dongle_id"]) == (allocation_id, paired.id)
    assert dongle_now(session, paired) == ("with-family", plain_spare.id)


def test_a_swap_for_a_family_without_a_dongle_brings_the_replacements_own(
    client, session, school, staff
):
    laptop = make_device(session, holder=school)
    allocate(client, staff, laptop, make_family(session, school=school), collected=False)
    spare = make_device(session, holder=school)
    spares_dongle, _sim = make_dongle_with_sim(session, holder=school, device=spare)
    swapped = act(client, staff, laptop, "swap", replacement_device_id=spare.id)
    assert swapped.status_code == 200, swapped.text
    assert swapped.json()["dongle_id"] == spares_dongle.id
    assert dongle_now(session, spares_dongle) == ("allocated", spare.id)
    assert act(client, staff, spare, "collect").status_code == 200
    assert dongle_now(session, spares_dongle) == ("with-family", spare.id)


def test_giving_an_uncollected_laptop_to_the_family_gives_them_its_dongle_too(
    client, session, school, staff, laptop, paired
):
    allocate(client, staff, laptop, make_family(session, school=school), collected=False)
    assert dongle_now(session, paired) == ("allocated", laptop.id)
    given = act(client, staff, laptop, "transfer-to-family", acceptance="signed form")
    assert given.status_code == 200, given.text
    assert given.json()["status"] == DeviceStatus.WITH_FAMILY.value
    assert dongle_now(session, paired) == ("with-family", laptop.id)


def test_a_new_dongle_pairs_only_with_a_laptop_held_alongside_and_without_one(
    client, session, school, staff, laptop, paired
):
    body = {"imei": "356938035643809", "holder_id": school.id, "received_on": "2026-01-05"}
    twice = client.post("/api/dongles", headers=staff, json=body | {"paired_device_id": laptop.id})
    assert twice.status_code == 409 and twice.json()["field"] == "paired_device_id"
    assert paired.imei in twice.json()["detail"]

    council = session.get(Organisation, school.council_id)
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    neighbour = make_device(session, holder=make_school(session, council=council))
    apart = client.post(
        "/api/dongles", headers=officer, json=body | {"paired_device_id": neighbour.id}
    )
    assert apart.status_code == 422 and apart.json()["field"] == "paired_device_id"

    alone = make_device(session, holder=school)
    made = client.post("/api/dongles", headers=staff, json=body | {"paired_device_id": alone.id})
    assert made.status_code == 201 and made.json()["paired_device_id"] == alone.id
