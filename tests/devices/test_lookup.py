"""GET /api/devices/lookup: one device by exactly its serial number or asset tag, in one
statement, only within the caller's organisations."""

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlmodel import Session

from accounts.models import Role
from devices.models import Device
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user


def tagged(session: Session, holder, serial: str, asset_tag: str | None) -> Device:
    device = make_device(session, holder=holder, serial=serial)
    device.asset_tag = asset_tag
    session.add(device)
    session.commit()
    return device


@contextmanager
def statements(engine) -> Iterator[list[str]]:
    """Every SQL statement the app sends while the block runs."""
    sent: list[str] = []

    def note(_conn, _cursor, statement, *_args) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_device_is_found_by_its_serial_number_as_typed_on_a_label(
    client, session, school, headers
):
    device = tagged(session, school, "5CG1234XYZ", "AT-0042")
    answer = client.get("/api/devices/lookup", params={"serial": " 5cg1234 xyz "}, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["id"] == device.id
    assert answer.json()["serial_number"] == "5CG1234XYZ"


def test_a_device_is_found_by_its_asset_tag(client, session, school, headers):
    device = tagged(session, school, "SN-A", "AT-0042")
    answer = client.get("/api/devices/lookup", params={"asset_tag": "AT-0042"}, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["id"] == device.id


def test_a_look_up_answers_exactly_as_reading_the_device_does(client, session, school, headers):
    device = tagged(session, school, "SAME-1", "AT-9")
    looked_up = client.get("/api/devices/lookup", params={"serial": "SAME-1"}, headers=headers)
    read = client.get(f"/api/devices/{device.id}", headers=headers)
    assert looked_up.status_code == read.status_code == 200
    assert looked_up.content == read.content
    assert looked_up.headers["content-type"] == read.headers["content-type"]


def test_an_unknown_serial_is_404_saying_what_was_looked_for(client, school, headers):
    answer = client.get("/api/devices/lookup", params={"serial": "NOPE1"}, headers=headers)
    assert answer.status_code == 404
    assert "No device with serial number 'NOPE1'" in answer.json()["detail"]


@pytest.mark.parametrize(
    "params", [{}, {"serial": "A1", "asset_tag": "T1"}, {"serial": "  ", "asset_tag": ""}]
)
def test_serial_or_asset_tag_must_be_given_but_not_both(client, school, headers, params):
    answer = client.get("/api/devices/lookup", params=params, headers=headers)
    assert answer.status_code == 422
    assert "Give either serial or asset_tag" in answer.json()["detail"]


def test_an_asset_tag_on_two_devices_is_a_conflict_pointing_to_the_serial(
    client, session, school, headers
):
    tagged(session, school, "SN-1", "SHARED")
    tagged(session, school, "SN-2", "SHARED")
    answer = client.get("/api/devices/lookup", params={"asset_tag": "SHARED"}, headers=headers)
    assert answer.status_code == 409
    assert "look it up by serial number" in answer.json()["detail"]


def test_an_officer_cannot_find_another_councils_device_by_serial_or_asset_tag(
    client, session, school, headers
):
    elsewhere = make_school(session, council=make_council(session))
    theirs = tagged(session, elsewhere, "THEIRS-1", "THEIR-TAG")
    for params in ({"serial": theirs.serial_number}, {"asset_tag": "THEIR-TAG"}):
        answer = client.get("/api/devices/lookup", params=params, headers=headers)
        assert answer.status_code == 404
        assert "THEIR" not in str(answer.json().get("id", ""))


def test_an_asset_tag_shared_with_another_council_finds_only_ones_own(
    client, session, school, headers
):
    mine = tagged(session, school, "MINE-1", "TAG-7")
    tagged(session, make_school(session, council=make_council(session)), "OTHER-1", "TAG-7")
    answer = client.get("/api/devices/lookup", params={"asset_tag": "TAG-7"}, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["id"] == mine.id


def test_school_staff_find_only_their_own_schools_devices(client, session, council, school):
    other_school = make_school(session, council=council)
    tagged(session, other_school, "NEXT-DOOR", None)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    answer = client.get(
        "/api/devices/lookup", params={"serial": "NEXT-DOOR"}, headers=bearer(session, staff)
    )
    assert answer.status_code == 404


def test_a_look_up_is_one_statement_and_counts_nothing(client, engine, session, school, headers):
    tagged(session, school, "ONE-SHOT", None)
    assert client.get("/api/devices/lookup?serial=X", headers=headers).status_code == 404
    with statements(engine) as sent:  # the token was checked a moment ago: remembered
        answer = client.get("/api/devices/lookup", params={"serial": "ONE-SHOT"}, headers=headers)
    assert answer.status_code == 200
    assert len(sent) == 1, sent
    assert "count(" not in sent[0].lower()


def test_the_list_filtered_by_serial_counts_nothing_when_its_one_page_shows_it_all(
    client, engine, session, school, headers
):
    tagged(session, school, "LISTED-1", None)
    client.get("/api/devices", headers=headers)
    with statements(engine) as sent:
        answer = client.get("/api/devices", params={"serial_number": "LISTED-1"}, headers=headers)
    assert answer.status_code == 200
    assert answer.json()["total"] == 1 and len(answer.json()["items"]) == 1
    assert len(sent) == 1 and "count(" not in sent[0].lower()
