"""Families (only what the service needs, validated) and requests for more devices."""

import pytest
from sqlmodel import Session, func, select

from accounts.models import Organisation, Role
from devices.models import Family
from tests.factories import bearer, make_council, make_school, make_user


@pytest.fixture
def school(session: Session) -> Organisation:
    return make_school(session, council=make_council(session))


@pytest.fixture
def staff(session: Session, school):
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


def family(school: Organisation, **changes):
    return {
        "school_id": school.id,
        "pupil_reference": "7B-014",
        "year_group": 7,
        "phone_number": "07911 123456",
        "preferred_language": "pl",
        "sms_consent": True,
        "home_broadband": False,
    } | changes


def test_a_family_is_stored_with_its_phone_number_in_e164(client, school, staff):
    response = client.post("/api/families", json=family(school), headers=staff)
    assert response.status_code == 201, response.text
    assert response.json()["phone_number"] == "+447911123456"
    assert response.json()["preferred_language"] == "pl"


def test_a_bad_phone_number_or_language_is_named_and_nothing_saved(client, session, school, staff):
    response = client.post(
        "/api/families",
        headers=staff,
        json=family(school, phone_number="12345", preferred_language="klingon", year_group=20),
    )
    assert response.status_code == 422
    problems = {p["field"]: p["message"] for p in response.json()["problems"]}
    assert set(problems) == {"phone_number", "preferred_language", "year_group"}
    assert (
        "not a valid phone number" in problems["phone_number"]
        or "not a phone number" in (problems["phone_number"])
    )
    assert session.exec(select(func.count()).select_from(Family)).one() == 0


def test_a_pupil_reference_is_unique_within_its_school(client, school, staff):
    assert client.post("/api/families", json=family(school), headers=staff).status_code == 201
    again = client.post("/api/families", json=family(school), headers=staff)
    assert again.status_code == 409 and "7B-014" in again.json()["detail"]


def test_a_family_of_another_school_is_invisible(client, session, school, staff):
    other = make_school(session, council=make_council(session))
    theirs = Family(school_id=other.id, pupil_reference="X1")
    session.add(theirs)
    session.commit()
    assert client.get(f"/api/families/{theirs.id}", headers=staff).status_code == 404
    assert client.get("/api/families", headers=staff).json()["total"] == 0
    made = client.post("/api/families", json=family(other), headers=staff)
    assert made.status_code == 422 and made.json()["field"] == "school_id"


def test_the_family_csv_leaves_out_contact_details(client, school, staff):
    client.post("/api/families", json=family(school), headers=staff)
    exported = client.get("/api/families?format=csv", headers=staff).text
    assert "7B-014" in exported and "+447911123456" not in exported


def test_a_schools_request_is_decided_by_its_council_and_unmet_demand_counts_the_gap(
    client, session, school, staff
):
    council = session.get(Organisation, school.council_id)
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    request = client.post(
        "/api/device-requests",
        headers=staff,
        json={
            "school_id": school.id,
            "quantity": 30,
            "reason": "Year 7 intake without laptops",
            "requested_on": "2026-09-01",
        },
    )
    assert request.status_code == 201, request.text
    request_id = request.json()["id"]
    decide = f"/api/device-requests/{request_id}/decision"
    assert (
        client.post(
            decide, headers=staff, json={"status": "approved", "on": "2026-09-02"}
        ).status_code
        == 403
    )
    approved = client.post(decide, headers=officer, json={"status": "approved", "on": "2026-09-02"})
    assert approved.json()["status"] == "approved"
    fulfilled = client.post(
        decide,
        headers=officer,
        json={"status": "fulfilled", "quantity_fulfilled": 18, "on": "2026-09-20"},
    )
    assert fulfilled.json()["quantity_fulfilled"] == 18
    closed = client.post(decide, headers=officer, json={"status": "declined", "on": "2026-09-21"})
    assert closed.status_code == 409
    by_school = client.get("/api/reports/unmet-demand", headers=officer).json()["items"]
    assert by_school == [{"school_id": school.id, "unmet": 12, "requests": 1}]
    by_council = client.get("/api/reports/unmet-demand?by=council", headers=officer).json()
    assert by_council["items"] == [{"council_id": council.id, "unmet": 12, "requests": 1}]
