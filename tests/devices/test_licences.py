"""Licences through the API: seats fill up and a full licence says so; a renewal is a new
term that carries every seat over; the licences-ending report costs what is left to renew."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from accounts.models import Organisation, Role
from devices.models import Licence, LicenceSeat
from dfc.clock import today
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user

STARTS, ENDS = date(2026, 1, 1), date(2026, 12, 31)


@pytest.fixture
def school(session: Session) -> Organisation:
    return make_school(session, council=make_council(session))


@pytest.fixture
def staff(session: Session, school: Organisation) -> dict[str, str]:
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


def create_licence(client, headers, school: Organisation, **changes) -> dict:
    body = {
        "organisation_id": school.id,
        "product": "office-suite",
        "name": "Office for pupils",
        "supplier": "Supplier Ltd",
        "seats": 2,
        "starts_on": STARTS.isoformat(),
        "ends_on": ENDS.isoformat(),
        "cost_per_seat_per_year": "12.50",
    } | changes
    response = client.post("/api/licences", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


def give_seat(client, headers, licence: dict, device, on: date = STARTS):
    body = {"device_id": device.id, "assigned_on": on.isoformat()}
    return client.post(f"/api/licences/{licence['id']}/seats", json=body, headers=headers)


def renew(client, headers, licence: dict, **body):
    return client.post(f"/api/licences/{licence['id']}/renew", json=body, headers=headers)


def count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_school_staff_add_a_licence_for_their_school(client, session, school, staff):
    licence = create_licence(client, staff, school)
    assert (licence["organisation_id"], licence["seats"], licence["seats_used"]) == (
        school.id,
        2,
        0,
    )
    assert Decimal(licence["cost_per_seat_per_year"]) == Decimal("12.50")
    listed = client.get("/api/licences", headers=staff).json()["items"]
    assert [item["id"] for item in listed] == [licence["id"]]


def test_a_full_licence_refuses_another_seat(client, session, school, staff):
    licence = create_licence(client, staff, school, seats=2)
    first, second, third = (make_device(session, holder=school) for _ in range(3))
    assert give_seat(client, staff, licence, first).json()["seats_used"] == 1
    assert give_seat(client, staff, licence, second).json()["seats_used"] == 2
    refused = give_seat(client, staff, licence, third)
    assert refused.status_code == 409
    assert refused.json()["code"] == "licence-full"
    assert "has 2 seats and all are taken" in refused.json()["detail"]
    assert count(session, LicenceSeat) == 2
    assert client.get(f"/api/licences/{licence['id']}", headers=staff).json()["seats_used"] == 2


def test_a_device_from_another_school_cannot_be_given_a_seat(client, session, school, staff):
    licence = create_licence(client, staff, school)
    elsewhere = make_device(session, holder=make_school(session, council=make_council(session)))
    response = give_seat(client, staff, licence, elsewhere)
    assert response.status_code == 404
    assert response.json()["detail"] == f"No device with id {elsewhere.id}"
    assert count(session, LicenceSeat) == 0


def test_a_device_holds_one_seat_on_a_licence_however_often_it_is_given_one(
    client, session, school, staff
):
    licence = create_licence(client, staff, school, seats=5)
    device = make_device(session, holder=school)
    assert give_seat(client, staff, licence, device).status_code == 201
    again = give_seat(client, staff, licence, device)
    assert again.status_code == 409
    assert f"{device.serial_number} already holds a seat" in again.json()["detail"]
    assert client.get(f"/api/licences/{licence['id']}", headers=staff).json()["seats_used"] == 1


def test_a_seat_outside_the_licence_term_is_refused(client, session, school, staff):
    licence = create_licence(client, staff, school)
    response = give_seat(
        client, staff, licence, make_device(session, holder=school), on=ENDS + timedelta(days=1)
    )
    assert (response.status_code, response.json()["field"]) == (422, "assigned_on")
    assert count(session, LicenceSeat) == 0


def test_renewing_carries_every_seat_over_and_records_it_on_each_device(
    client, session, school, staff
):
    licence = create_licence(client, staff, school, seats=2)
    devices = [make_device(session, holder=school) for _ in range(2)]
    for device in devices:
        assert give_seat(client, staff, licence, device).status_code == 201
    response = renew(client, staff, licence, ends_on="2027-12-31", seats=3)
    assert response.status_code == 201, response.text
    term = response.json()
    assert (term["renewed_from_id"], term["starts_on"], term["ends_on"]) == (
        licence["id"],
        "2027-01-01",
        "2027-12-31",
    )
    assert (term["seats"], term["seats_used"], term["name"]) == (3, 2, licence["name"])
    assert Decimal(term["cost_per_seat_per_year"]) == Decimal("12.50")
    for device in devices:
        history = client.get(f"/api/devices/{device.id}/events", headers=staff).json()
        assert [event["action"] for event in history] == [
            "licence-seat-assigned",
            "licence-renewed",
        ]
        assert history[-1]["after"] == {
            "licence_id": term["id"],
            "renewed_from_id": licence["id"],
            "ends_on": "2027-12-31",
        }
        assert "user" in history[-1]["actor"]


def test_a_term_is_renewed_once_then_the_newer_term_is_renewed(client, session, school, staff):
    licence = create_licence(client, staff, school)
    term = renew(client, staff, licence, ends_on="2027-12-31").json()
    again = renew(client, staff, licence, ends_on="2028-12-31")
    assert again.status_code == 409
    assert "already been renewed" in again.json()["detail"]
    assert renew(client, staff, term, ends_on="2028-12-31").status_code == 201
    assert count(session, Licence) == 3


def test_a_renewal_keeps_a_seat_for_every_device_holding_one(client, session, school, staff):
    licence = create_licence(client, staff, school, seats=2)
    for device in (make_device(session, holder=school) for _ in range(2)):
        give_seat(client, staff, licence, device)
    response = renew(client, staff, licence, ends_on="2027-12-31", seats=1)
    assert (response.status_code, response.json()["field"]) == (422, "seats")
    assert "2 devices hold seats; renew with at least 2" in response.json()["detail"]
    assert (count(session, Licence), count(session, LicenceSeat)) == (1, 2)


def test_the_licences_ending_report_lists_unrenewed_terms_with_their_yearly_cost(
    client, session, school, staff
):
    starts = today() - timedelta(days=300)

    def licence_ending_in(days: int, seats: int) -> dict:
        licence = create_licence(
            client,
            staff,
            school,
            seats=5,
            starts_on=starts.isoformat(),
            ends_on=(today() + timedelta(days=days)).isoformat(),
        )
        for device in (make_device(session, holder=school) for _ in range(seats)):
            assert give_seat(client, staff, licence, device, on=starts).status_code == 201
        return licence

    due, renewed, _later = (
        licence_ending_in(30, 3),
        licence_ending_in(20, 2),
        licence_ending_in(91, 1),
    )
    next_year = (today() + timedelta(days=385)).isoformat()
    assert renew(client, staff, renewed, ends_on=next_year).status_code == 201
    other = make_school(session, council=make_council(session))
    theirs = bearer(session, make_user(session, organisation=other, role=Role.SCHOOL_STAFF))
    create_licence(
        client,
        theirs,
        other,
        ends_on=(today() + timedelta(days=10)).isoformat(),
        starts_on=starts.isoformat(),
    )
    report = client.get("/api/reports/licences-ending?within_days=90", headers=staff).json()
    assert report["total"] == 1
    [row] = report["items"]
    assert (row["licence_id"], row["seats"], row["seats_used"]) == (due["id"], 5, 3)
    assert Decimal(str(row["annual_cost"])) == Decimal("37.50")  # 3 seats at £12.50
    assert row["ends_on"] == (today() + timedelta(days=30)).isoformat()
