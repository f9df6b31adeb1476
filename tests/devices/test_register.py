"""Devices in the register: adding, finding, filtering, exporting, and who sees what."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import Session, func, select

from accounts.models import Role
from devices.models import CoverPeriod, Device, DeviceEvent, DeviceStatus
from tests.devices.factories import make_device, make_dongle_with_sim
from tests.factories import bearer, make_council, make_school, make_user


@pytest.fixture
def school(session: Session):
    return make_school(session, council=make_council(session))


@pytest.fixture
def staff(session: Session, school):
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


def new_device(**changes):
    return {
        "kind": "laptop",
        "make": "Lenovo",
        "model": "100e",
        "serial_number": "pf-1a 2b3c",
        "received_on": "2026-01-05",
    } | changes


def test_a_new_device_gets_six_months_of_central_support_and_a_history(
    client, session, school, staff
):
    response = client.post("/api/devices", json=new_device(holder_id=school.id), headers=staff)
    assert response.status_code == 201, response.text
    device = response.json()
    assert (device["serial_number"], device["status"], device["owner_kind"]) == (
        "PF-1A2B3C",
        "in-stock",
        "scheme",
    )
    period = session.exec(select(CoverPeriod)).one()
    assert (period.provider.value, period.starts_on, period.ends_on) == (
        "national-scheme",
        date(2026, 1, 5),
        date(2026, 7, 4),
    )
    events = client.get(f"/api/devices/{device['id']}/events", headers=staff).json()
    assert [event["action"] for event in events] == ["registered"]
    assert "user" in events[0]["actor"]


def test_a_duplicate_serial_is_refused_whatever_its_case_or_spacing(client, session, school, staff):
    assert (
        client.post("/api/devices", json=new_device(holder_id=school.id), headers=staff).status_code
        == 201
    )
    again = client.post(
        "/api/devices",
        json=new_device(holder_id=school.id, serial_number=" pf-1A2b3C "),
        headers=staff,
    )
    assert again.status_code == 409
    assert "PF-1A2B3C is already in the register" in again.json()["detail"]
    assert session.exec(select(func.count()).select_from(Device)).one() == 1
    assert session.exec(select(func.count()).select_from(DeviceEvent)).one() == 1


def test_bad_fields_are_named_and_nothing_is_saved(client, session, school, staff):
    response = client.post(
        "/api/devices",
        headers=staff,
        json=new_device(
            holder_id=school.id, kind="phone", received_on="5th January", serial_number="  "
        ),
    )
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["problems"]} == {
        "kind",
        "received_on",
        "serial_number",
    }
    assert session.exec(select(func.count()).select_from(Device)).one() == 0


def test_school_staff_cannot_add_a_device_to_another_school(client, session, school, staff):
    other = make_school(session, council=make_council(session))
    response = client.post("/api/devices", json=new_device(holder_id=other.id), headers=staff)
    assert response.status_code == 422
    assert response.json()["field"] == "holder_id"


def test_another_schools_device_is_invisible(client, session, school, staff):
    other = make_school(session, council=make_council(session))
    theirs = make_device(session, holder=other)
    mine = make_device(session, holder=school)
    listed = client.get("/api/devices", headers=staff).json()["items"]
    assert [device["id"] for device in listed] == [mine.id]
    for method, path, body in [
        ("get", f"/api/devices/{theirs.id}", None),
        ("patch", f"/api/devices/{theirs.id}", {"asset_tag": "MINE"}),
        ("get", f"/api/devices/{theirs.id}/events", None),
        ("post", f"/api/devices/{theirs.id}/retire", {"on": "2026-03-01"}),
        ("post", f"/api/devices/{theirs.id}/send-to-repair", {"on": "2026-03-01"}),
    ]:
        response = client.request(method, path, json=body, headers=staff)
        assert response.status_code == 404, (method, path)
    session.refresh(theirs)
    assert (theirs.asset_tag, theirs.status) == (None, DeviceStatus.IN_STOCK)


def test_support_agents_can_read_the_register_but_not_change_it(client, session, school):
    device = make_device(session, holder=school)
    agent = make_user(session, organisation=make_council(session), role=Role.SUPPORT_AGENT)
    admin_agent_headers = bearer(session, agent)
    assert client.get(f"/api/devices/{device.id}", headers=admin_agent_headers).status_code == 404
    council_agent = make_user(
        session, organisation=session.get(type(school), school.council_id), role=Role.SUPPORT_AGENT
    )
    headers = bearer(session, council_agent)
    assert client.get(f"/api/devices/{device.id}", headers=headers).status_code == 200
    response = client.post(
        f"/api/devices/{device.id}/retire", json={"on": "2026-03-01"}, headers=headers
    )
    assert response.status_code == 403


def test_filters_find_what_councils_ask_about(client, session, school, staff):
    today = date.today()
    supported = make_device(session, holder=school, cover_until=today + timedelta(days=400))
    ending = make_device(session, holder=school, cover_until=today + timedelta(days=20))
    unsupported = make_device(session, holder=school, cover_until=today - timedelta(days=1))
    with_dongle = make_device(session, holder=school, cover_until=today + timedelta(days=400))
    make_dongle_with_sim(session, holder=school, device=with_dongle)
    make_device(session, holder=school, status=DeviceStatus.RETIRED, cover_until=None)

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/devices?{query}", headers=staff)
        assert response.status_code == 200, response.text
        return {device["id"] for device in response.json()["items"]}

    assert ids("unsupported=true") == {unsupported.id}
    before = (today + timedelta(days=30)).isoformat()
    assert ids(f"cover_ends_before={before}") == {ending.id}
    assert with_dongle.id not in ids("no_dongle=true")
    assert supported.id in ids("no_dongle=true")
    assert ids("status=retired") and len(ids("status=in-stock")) == 4
    assert ids(f"serial_number={ending.serial_number.lower()}") == {ending.id}
    assert ids(f"council_id={school.council_id}") == ids("")


def test_devices_sort_paginate_and_export_without_formulas(client, session, school, staff):
    make_device(session, holder=school, serial="B-2")
    make_device(session, holder=school, serial="A-1")
    make_device(session, holder=school, serial="=CMD|' /C calc'!A0")
    page = client.get("/api/devices?sort=-serial_number&per_page=2", headers=staff).json()
    assert [d["serial_number"] for d in page["items"]] == ["B-2", "A-1"]
    assert page["total"] == 3
    exported = client.get("/api/devices?format=csv", headers=staff)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert sorted(row["serial_number"] for row in rows) == ["'=CMD|' /C calc'!A0", "A-1", "B-2"]
    assert exported.headers["content-disposition"] == 'attachment; filename="devices.csv"'
