"""The safe handover: a device becomes a family's only once the council's required steps
are done; refused with 409 naming each missing step, through the API and the page alike;
the council chooses its steps; many devices at once go through the same checklist."""

from datetime import date

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.models import LicenceSeat, OwnerKind
from devices.models.management import DeviceManagement, EnrolmentState, Manager
from dfc.clock import today
from tests.devices.factories import make_allocation, make_device, make_family, make_licence
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages

ALL = ["management-removed", "wiped", "filtering-signed-off", "family-accepted"]
ON = date(2026, 3, 1)


@pytest.fixture
def council(session: Session):
    return make_council(session)


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
def device(session: Session, school):
    device = make_device(session, holder=school)
    family = make_family(session, school=school)
    make_allocation(session, device=device, family=family, on=date(2026, 2, 1))
    return device


def step(client, headers, device, name, **extra):
    body = {"step": name, "done_on": "2026-02-20", "confirmed_by": "Ms Khan"} | extra
    return client.post(f"/api/devices/{device.id}/handover/steps", headers=headers, json=body)


def give(client, headers, device):
    return client.post(
        f"/api/devices/{device.id}/transfer-to-family", headers=headers, json={"on": str(ON)}
    )


def complete(client, staff, officer, device):
    assert step(client, staff, device, "management-removed").status_code == 201
    wiped = step(client, staff, device, "wiped", method="Powerwash", reference="CERT-0042")
    assert wiped.status_code == 201
    decision = "Parental controls set up with the family"
    assert (
        step(client, officer, device, "filtering-signed-off", reference=decision).status_code == 201
    )
    seen = {"witnessed_by": "Mr Jones"}
    accepted = client.post(
        f"/api/devices/{device.id}/acceptance/in-person", headers=staff, json=seen
    )
    assert accepted.status_code == 201


def test_each_missing_step_is_named_until_the_checklist_is_complete(
    client, session, staff, officer, device
):
    refused = give(client, staff, device)
    assert refused.status_code == 409
    assert refused.json()["missing"] == ALL
    assert "wiped" in refused.json()["detail"]
    steps = [
        ("management-removed", staff, {}),
        ("wiped", staff, {"method": "Powerwash", "reference": "CERT-0042"}),
        ("filtering-signed-off", officer, {"reference": "No filter: the family's choice"}),
    ]
    for number, (name, who, extra) in enumerate(steps):
        assert step(client, who, device, name, **extra).status_code == 201
        assert give(client, staff, device).json()["missing"] == ALL[number + 1 :]
    checklist = client.get(f"/api/devices/{device.id}/handover", headers=staff).json()
    assert checklist["complete"] is False
    assert [s["done"] for s in checklist["steps"]] == [True, True, True, True, False]
    client.post(
        f"/api/devices/{device.id}/acceptance/in-person",
        headers=staff,
        json={"witnessed_by": "Mr Jones"},
    )
    done = give(client, staff, device)
    assert done.status_code == 200, done.text
    assert (done.json()["owner_kind"], done.json()["status"]) == ("family", "with-family")


def test_the_handover_releases_the_devices_licence_seats(
    client, session, school, staff, officer, device
):
    licence = make_licence(session, organisation=school)
    session.add(LicenceSeat(licence_id=licence.id, device_id=device.id, assigned_on=ON))
    session.commit()
    complete(client, staff, officer, device)
    assert give(client, staff, device).status_code == 200
    assert session.exec(select(LicenceSeat)).all() == []
    events = client.get(f"/api/devices/{device.id}/events", headers=staff).json()
    assert [e["action"] for e in events][-2:] == ["licence-seats-released", "ownership-transferred"]


def test_a_wipe_needs_its_method_and_certificate_and_filtering_needs_the_council(
    client, staff, device
):
    missing = step(client, staff, device, "wiped", method="Powerwash")
    assert missing.status_code == 422 and missing.json()["field"] == "reference"
    by_school = step(client, staff, device, "filtering-signed-off", reference="fine")
    assert by_school.status_code == 403
    automatic = step(client, staff, device, "licences-released")
    assert automatic.status_code == 422
    before = step(client, staff, device, "management-removed", done_on="2026-01-01")
    assert before.status_code == 422 and before.json()["field"] == "done_on"


def test_a_manager_export_saying_deprovisioned_removes_management_by_itself(
    client, session, staff, device
):
    session.add(
        DeviceManagement(
            device_id=device.id, manager=Manager.GOOGLE_ADMIN, state=EnrolmentState.ENROLLED
        )
    )
    session.commit()
    state = client.get(f"/api/devices/{device.id}/handover", headers=staff).json()["steps"][0]
    assert (state["done"], state["detail"]) == (False, "Still enrolled in Google Admin")
    record = session.exec(select(DeviceManagement)).one()
    record.state = EnrolmentState.DEPROVISIONED
    session.add(record)
    session.commit()
    state = client.get(f"/api/devices/{device.id}/handover", headers=staff).json()["steps"][0]
    assert state["done"] is True and "deprovisioned" in state["detail"]


def test_a_council_chooses_its_steps(client, session, staff, officer, device):
    assert client.get("/api/handover-policy", headers=staff).json()["steps"] == [
        "management-removed",
        "wiped",
        "licences-released",
        "filtering-signed-off",
        "family-accepted",
    ]
    chosen = {"steps": ["family-accepted"]}
    assert client.put("/api/handover-policy", headers=staff, json=chosen).status_code == 403
    wrong = client.put("/api/handover-policy", headers=officer, json={"steps": ["wipe"]})
    assert wrong.status_code == 422 and "wipe" in wrong.json()["detail"]
    assert client.put("/api/handover-policy", headers=officer, json=chosen).json() == chosen
    assert give(client, staff, device).json()["missing"] == ["family-accepted"]
    client.post(
        f"/api/devices/{device.id}/acceptance/in-person",
        headers=staff,
        json={"witnessed_by": "Mr Jones"},
    )
    assert give(client, staff, device).status_code == 200


def test_many_devices_go_through_the_same_checklist(
    client, session, school, staff, officer, device
):
    other = make_device(session, holder=school)
    make_allocation(session, device=other, family=make_family(session, school=school), on=ON)
    complete(client, staff, officer, device)
    outcomes = client.post(
        "/api/handovers", headers=staff, json={"device_ids": [device.id, other.id], "on": str(ON)}
    ).json()
    assert [(o["device_id"], o["done"]) for o in outcomes] == [(device.id, True), (other.id, False)]
    assert outcomes[1]["missing"] == ALL
    session.expire_all()
    assert session.get(type(device), device.id).owner_kind is OwnerKind.FAMILY
    assert session.get(type(other), other.id).owner_kind is not OwnerKind.FAMILY


def test_another_councils_staff_get_404(client, session, device):
    elsewhere = make_school(session, council=make_council(session))
    other = bearer(session, make_user(session, organisation=elsewhere, role=Role.SCHOOL_STAFF))
    assert client.get(f"/api/devices/{device.id}/handover", headers=other).status_code == 404
    assert step(client, other, device, "management-removed").status_code == 404


def test_a_school_takes_a_laptop_through_the_checklist_on_its_page(
    client, session, school, officer, device
):
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, user)
    day = today()
    on = {"day": day.day, "month": day.month, "year": day.year}

    def record(name, **fields):
        dates = {f"{name}-done_on-{part}": value for part, value in on.items()}
        data = {"csrf_token": token, **dates, **fields}
        return client.post(f"/devices/{device.id}/handover/{name}", data=data)

    page = client.get(f"/devices/{device.id}")
    assert page.status_code == 200 and "Giving it to the family to keep" in page.text
    assert page.text.count("Required") >= 4
    give_on = {f"give-to-family-on-{part}": value for part, value in on.items()}
    url = f"/devices/{device.id}/actions/give-to-family"
    refused = client.post(url, data={"csrf_token": token, **give_on})
    assert refused.status_code == 409
    assert "Still to do: removed from management, wiped" in refused.text
    wrong = record("wiped", confirmed_by="Ms Khan", method="Powerwash")
    assert wrong.status_code == 422 and "wipe certificate" in wrong.text
    recorded = record("management-removed", confirmed_by="IT office")
    assert "The handover step has been recorded" in recorded.text
    assert (
        record("wiped", confirmed_by="Ms Khan", method="Powerwash", reference="C-1").status_code
        == 200
    )
    step(client, officer, device, "filtering-signed-off", reference="Parental controls on")
    client.post(
        f"/devices/{device.id}/acceptance/in-person",
        data={"csrf_token": token, "witnessed_by": "Mr Jones"},
    )
    done = client.post(url, data={"csrf_token": token, **give_on}, follow_redirects=False)
    assert done.status_code == 303
    page = client.get(f"/devices/{device.id}")
    assert "Family-owned" in page.text or "family" in page.text.lower()
    session.refresh(device)
    assert device.owner_kind is OwnerKind.FAMILY
