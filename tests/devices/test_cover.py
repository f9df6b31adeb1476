"""Cover periods: who supports a device after the scheme's six months."""

from datetime import date, timedelta

from sqlmodel import Session

from accounts.models import Organisation, Role
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user


def setup(session: Session):
    school = make_school(session, council=make_council(session))
    officer = make_user(
        session,
        organisation=session.get(Organisation, school.council_id),
        role=Role.COUNCIL_OFFICER,
    )
    return school, bearer(session, officer)


def test_the_council_takes_over_when_central_support_ends(client, session):
    school, headers = setup(session)
    today = date.today()
    device = make_device(
        session,
        holder=school,
        received_on=today - timedelta(days=170),
        cover_until=today + timedelta(days=10),
    )
    ending = client.get("/api/reports/cover-ending?within_days=30", headers=headers).json()
    assert [row["device_id"] for row in ending["items"]] == [device.id]
    response = client.post(
        f"/api/devices/{device.id}/cover-periods",
        headers=headers,
        json={
            "provider": "council",
            "provider_name": "Council IT",
            "starts_on": (today + timedelta(days=11)).isoformat(),
            "ends_on": (today + timedelta(days=1000)).isoformat(),
        },
    )
    assert response.status_code == 201, response.text
    periods = client.get(f"/api/devices/{device.id}/cover-periods", headers=headers).json()
    assert [p["provider"] for p in periods] == ["national-scheme", "council"]
    ending = client.get("/api/reports/cover-ending?within_days=30", headers=headers).json()
    assert ending["items"] == []
    history = client.get(f"/api/devices/{device.id}/events", headers=headers).json()
    assert history[-1]["action"] == "support-extended"
    assert history[-1]["after"]["provider"] == "council"


def test_an_overlapping_period_is_refused_with_the_dates_it_clashes_with(client, session):
    school, headers = setup(session)
    device = make_device(
        session, holder=school, received_on=date(2026, 1, 5), cover_until=date(2026, 7, 4)
    )
    response = client.post(
        f"/api/devices/{device.id}/cover-periods",
        headers=headers,
        json={"provider": "school", "starts_on": "2026-06-01", "ends_on": "2027-06-01"},
    )
    assert response.status_code == 422
    assert "2026-07-04" in response.json()["detail"]
    assert response.json()["field"] == "starts_on"


def test_nobody_supporting_a_device_makes_it_unsupported(client, session):
    school, headers = setup(session)
    today = date.today()
    device = make_device(
        session,
        holder=school,
        received_on=today - timedelta(days=200),
        cover_until=today - timedelta(days=1),
    )
    client.post(
        f"/api/devices/{device.id}/cover-periods",
        headers=headers,
        json={"provider": "nobody", "starts_on": today.isoformat()},
    )
    unsupported = client.get("/api/reports/unsupported", headers=headers).json()["items"]
    assert [row["device_id"] for row in unsupported] == [device.id]
    listed = client.get("/api/devices?unsupported=true", headers=headers).json()["items"]
    assert [row["id"] for row in listed] == [device.id]
