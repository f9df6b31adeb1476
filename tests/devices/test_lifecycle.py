"""A device's life through the API: allocation, return, repair, loss, swap, ownership
passing to the family, retirement; each rule, each refusal and each event."""

from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from devices.models import Allocation, DeviceStatus, Dongle, OwnerKind, OwnershipTransfer
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
def device(session: Session, school):
    return make_device(session, holder=school)


@pytest.fixture
def family(session: Session, school):
    return make_family(session, school=school, home_broadband=False)


def act(client, headers, device_id: int, action: str, **body):
    return client.post(
        f"/api/devices/{device_id}/{action}", headers=headers, json={"on": "2026-03-01"} | body
    )


def allocate(client, headers, device, family, **extra):
    return client.post(
        "/api/allocations",
        headers=headers,
        json={"device_id": device.id, "family_id": family.id, "allocated_on": "2026-02-01"} | extra,
    )


def status_of(client, headers, device) -> str:
    return client.get(f"/api/devices/{device.id}", headers=headers).json()["status"]


def actions(client, headers, device) -> list[str]:
    return [
        e["action"] for e in client.get(f"/api/devices/{device.id}/events", headers=headers).json()
    ]


def test_allocating_a_device_and_dongle_hands_both_to_the_family(
    client, session, school, staff, device, family
):
    dongle, _sim = make_dongle_with_sim(session, holder=school)
    response = allocate(client, staff, device, family, dongle_id=dongle.id)
    assert response.status_code == 201, response.text
    assert response.json()["collected_on"] == "2026-02-01"
    assert status_of(client, staff, device) == "with-family"
    session.refresh(dongle)
    assert (dongle.status.value, dongle.paired_device_id) == ("with-family", device.id)
    event = client.get(f"/api/devices/{device.id}/events", headers=staff).json()[-1]
    assert event["action"] == "allocated"
    assert (event["before"]["status"], event["after"]["status"]) == ("in-stock", "with-family")
    assert event["after"]["family_id"] == family.id


def test_a_device_with_a_family_cannot_be_allocated_again(
    client, session, school, staff, device, family
):
    assert allocate(client, staff, device, family).status_code == 201
    other_family = make_family(session, school=school)
    again = allocate(client, staff, device, other_family)
    assert again.status_code == 409
    assert "already with a family" in again.json()["detail"]
    open_allocations = session.exec(
        select(Allocation).where(
            Allocation.device_id == device.id, Allocation.returned_on.is_(None)
        )
    ).all()
    assert [a.family_id for a in open_allocations] == [family.id]


def test_the_database_itself_refuses_a_second_open_allocation(session, school, device, family):
    for _ in range(2):
        session.add(
            Allocation(
                device_id=device.id,
                family_id=family.id,
                school_id=school.id,
                allocated_on=date(2026, 2, 1),
            )
        )
    with pytest.raises(IntegrityError):
        session.commit()


def test_an_allocation_to_another_schools_family_is_refused(client, session, staff, device):
    elsewhere = make_family(session, school=make_school(session, council=make_council(session)))
    assert allocate(client, staff, device, elsewhere).status_code == 404


def test_an_uncollected_allocation_waits_for_collection(client, staff, device, family):
    allocate(client, staff, device, family, collected=False)
    assert status_of(client, staff, device) == "allocated"
    assert act(client, staff, device.id, "collect").json()["status"] == "with-family"
    again = act(client, staff, device.id, "collect")
    assert again.status_code == 409 and "with-family" in again.json()["detail"]


def test_a_return_closes_the_allocation_and_frees_the_device(
    client, session, staff, device, family
):
    allocate(client, staff, device, family)
    response = act(client, staff, device.id, "return", reason="left the school")
    assert response.json()["status"] == "returned"
    allocation = session.exec(select(Allocation)).one()
    assert (allocation.returned_on, allocation.return_reason) == (date(2026, 3, 1), "returned")
    assert allocate(client, staff, device, family, allocated_on="2026-03-02").status_code == 201


def test_a_return_dated_before_the_allocation_is_refused(client, session, staff, device, family):
    allocate(client, staff, device, family)
    response = act(client, staff, device.id, "return", on="2026-01-01")
    assert response.status_code == 422 and response.json()["field"] == "on"
    assert status_of(client, staff, device) == "with-family"


def test_illegal_transitions_get_409_with_the_reason(client, staff, device):
    for action, extra in (
        ("return", {}),
        ("back-from-repair", {}),
        ("collect", {}),
        ("transfer-to-family", {"acceptance": "signed"}),
    ):
        response = act(client, staff, device.id, action, **extra)
        assert response.status_code == 409, action
        assert f"{device.serial_number} is in-stock" in response.json()["detail"]
    assert actions(client, staff, device) == []


def test_repair_of_a_familys_device_brings_it_back_to_them(client, session, staff, device, family):
    allocate(client, staff, device, family)
    assert act(client, staff, device.id, "send-to-repair").json()["status"] == "in-repair"
    assert session.exec(select(Allocation)).one().returned_on is None
    assert act(client, staff, device.id, "back-from-repair").json()["status"] == "with-family"
    spare = make_device(session, holder=session.get(Organisation, family.school_id))
    act(client, staff, spare.id, "send-to-repair")
    assert act(client, staff, spare.id, "back-from-repair").json()["status"] == "in-stock"


def test_a_lost_device_ends_its_allocation_and_its_dongle_is_lost_too(
    client, session, school, staff, device, family
):
    dongle, _sim = make_dongle_with_sim(session, holder=school)
    allocate(client, staff, device, family, dongle_id=dongle.id)
    assert act(client, staff, device.id, "report-stolen").json()["status"] == "stolen"
    allocation = session.exec(select(Allocation)).one()
    assert allocation.return_reason == "stolen"
    session.refresh(dongle)
    assert dongle.status.value == "lost"
    assert act(client, staff, device.id, "retire").json()["status"] == "retired"
    assert actions(client, staff, device) == ["allocated", "reported-stolen", "retired"]


def test_a_swap_keeps_the_familys_allocation_and_dongle(
    client, session, school, staff, device, family
):
    dongle, _sim = make_dongle_with_sim(session, holder=school)
    allocation_id = allocate(client, staff, device, family, dongle_id=dongle.id).json()["id"]
    spare = make_device(session, holder=school)
    response = act(client, staff, device.id, "swap", replacement_device_id=spare.id)
    assert response.status_code == 200, response.text
    assert (response.json()["id"], response.json()["device_id"]) == (allocation_id, spare.id)
    assert status_of(client, staff, device) == "in-repair"
    assert status_of(client, staff, spare) == "with-family"
    session.refresh(dongle)
    assert dongle.paired_device_id == spare.id
    assert actions(client, staff, device)[-1] == "swapped-out"
    assert actions(client, staff, spare) == ["swapped-in"]


def test_ownership_passes_to_the_family_in_one_action(client, session, staff, device, family):
    allocate(client, staff, device, family)
    response = act(client, staff, device.id, "transfer-to-family", acceptance="signed form")
    assert response.status_code == 200, response.text
    assert (response.json()["owner_kind"], response.json()["owner_family_id"]) == (
        "family",
        family.id,
    )
    transfer = session.exec(select(OwnershipTransfer)).one()
    assert (transfer.from_kind, transfer.to_kind, transfer.acceptance) == (
        OwnerKind.SCHEME,
        OwnerKind.FAMILY,
        "signed form",
    )
    stock = client.get("/api/reports/stock", headers=staff).json()["items"]
    assert stock == []
    for action, extra in (
        ("return", {}),
        ("retire", {}),
        ("transfer-to-family", {"acceptance": "again"}),
    ):
        refused = act(client, staff, device.id, action, **extra)
        assert refused.status_code == 409
        assert "belongs to the family" in refused.json()["detail"]
    history = actions(client, staff, device)
    assert history == ["allocated", "ownership-transferred"]


def test_only_stock_that_is_not_with_a_family_can_be_retired(client, staff, device, family):
    allocate(client, staff, device, family)
    assert act(client, staff, device.id, "retire").status_code == 409
    act(client, staff, device.id, "return")
    assert act(client, staff, device.id, "retire").json()["status"] == "retired"
    assert allocate(client, staff, device, family, allocated_on="2026-04-01").status_code == 409


def test_a_dongle_already_with_a_family_cannot_go_to_another(
    client, session, school, staff, family
):
    dongle, _sim = make_dongle_with_sim(session, holder=school)
    first, second = make_device(session, holder=school), make_device(session, holder=school)
    assert allocate(client, staff, first, family, dongle_id=dongle.id).status_code == 201
    response = allocate(
        client, staff, second, make_family(session, school=school), dongle_id=dongle.id
    )
    assert response.status_code == 409 and dongle.imei in response.json()["detail"]
    session.expire_all()
    assert session.get(Dongle, dongle.id).paired_device_id == first.id
    assert status_of(client, staff, second) == DeviceStatus.IN_STOCK.value


def test_ownership_passes_between_organisations_with_a_dated_history(
    client, session, school, staff, device, family
):
    council = session.get(Organisation, school.council_id)
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    to_council = client.post(
        f"/api/devices/{device.id}/transfer-ownership",
        headers=officer,
        json={"organisation_id": council.id, "on": "2026-01-10"},
    )
    assert to_council.json()["owner_kind"] == "council"
    to_school = client.post(
        f"/api/devices/{device.id}/transfer-ownership",
        headers=officer,
        json={"organisation_id": school.id, "on": "2026-01-20"},
    )
    assert (to_school.json()["owner_kind"], to_school.json()["owner_organisation_id"]) == (
        "school",
        school.id,
    )
    elsewhere = make_school(session, council=make_council(session))
    refused = client.post(
        f"/api/devices/{device.id}/transfer-ownership",
        headers=officer,
        json={"organisation_id": elsewhere.id, "on": "2026-01-21"},
    )
    assert refused.status_code == 422 and refused.json()["field"] == "organisation_id"
    allocate(client, staff, device, family)
    act(client, staff, device.id, "transfer-to-family", acceptance="verbal, by phone")
    history = client.get(f"/api/devices/{device.id}/ownership", headers=staff).json()
    assert [(h["from_kind"], h["to_kind"]) for h in history] == [
        ("scheme", "council"),
        ("council", "school"),
        ("school", "family"),
    ]
    assert history[-1]["acceptance"] == "verbal, by phone"


def test_the_service_itself_is_named_in_a_devices_history_without_a_missing_user_id():
    from devices.service.access import actor
    from dfc.caller import Caller, OrganisationKind

    service = Caller(
        organisation_id=1,
        organisation_kind=OrganisationKind.SCHEME,
        organisation_name="Scheme",
        role=None,
        name="demo data",
    )
    assert actor(service) == "demo data"
