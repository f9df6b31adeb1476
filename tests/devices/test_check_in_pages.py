"""The check-in pages and API through the real app: a council officer sets a term's date
(a date gone by is refused, saying why), the daily job asks the families, a school sees the
families who answered neither text, a council sees the devices likely lost; lists filter,
sort, page and export as CSV, each scoped to the caller."""

import html
import re
from datetime import date, timedelta

import pytest
from sqlmodel import select

from accounts.models import Role
from devices.check_in_scan import run_check_ins
from devices.models import DeviceManagement, EnrolmentState, Manager
from devices.service import check_ins
from dfc.audit.models import AccessAudit
from tests.devices.check_in_setup import MORNING, SENDS_ON, family_with_laptop, make_check_in_date
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages

TODAY = SENDS_ON + timedelta(days=20)  # both texts gone and unanswered


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: TODAY)


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


@pytest.fixture
def asked(session, council, school):
    """Three families asked: one answered yes, one no, one neither text; the silent one's
    laptop was last seen by Intune two months ago."""
    make_check_in_date(session, council, wait_days=7)
    happy, fine = family_with_laptop(session, school)
    unhappy, gone = family_with_laptop(session, school)
    silent, quiet = family_with_laptop(session, school)
    session.add(
        DeviceManagement(
            device_id=quiet.id,
            manager=Manager.INTUNE,
            state=EnrolmentState.ENROLLED,
            last_check_in_at=MORNING - timedelta(days=60),
        )
    )
    session.commit()
    run_check_ins(session, now=MORNING)
    check_ins.record_answer(session, phone=happy.phone_number, body="yes", now=MORNING)
    check_ins.record_answer(session, phone=unhappy.phone_number, body="no", now=MORNING)
    run_check_ins(session, now=MORNING + timedelta(days=7))
    session.commit()
    return {"yes": fine, "no": gone, "silent": quiet, "silent_family": silent}


def test_an_officer_sets_a_check_in_date_and_a_date_gone_by_is_refused(
    session, client, council, officer
):
    token = sign_in_pages(client, session, officer)
    page = client.get("/check-in-dates")
    assert page.status_code == 200 and "No check-in dates set" in text_of(page.text)
    form = {
        "csrf_token": token,
        "sends_on-day": "1",
        "sends_on-month": "1",
        "sends_on-year": "2020",
        "label": "Spring term 2027",
        "wait_days": "7",
    }
    refused = client.post("/check-in-dates", data=form)
    assert refused.status_code == 400
    assert "Choose today or a later date" in text_of(refused.text)
    form |= {"sends_on-day": "11", "sends_on-year": "2027"}
    saved = client.post("/check-in-dates", data=form, follow_redirects=True)
    assert saved.status_code == 200
    shown = text_of(saved.text)
    assert "11 January 2027" in shown and "Spring term 2027" in shown and "7 days" in shown
    again = client.post("/check-in-dates", data=form)
    assert again.status_code == 400 and "already has a check-in" in text_of(again.text)


def test_school_staff_cannot_set_their_councils_dates(session, client, council, school):
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    response = client.post(
        "/api/check-in-dates",
        headers=bearer(session, staff),
        json={"sends_on": "2027-01-11", "label": "Spring term 2027"},
    )
    assert response.status_code == 403
    assert "council's officers" in response.json()["detail"]


def test_a_school_sees_the_families_who_did_not_answer(session, client, school, asked):
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    sign_in_pages(client, session, staff)
    page = client.get("/check-ins?status=no-answer")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Showing 1 to 1 of 1 check-ins" in shown
    assert asked["silent"].serial_number in shown
    assert asked["silent_family"].pupil_reference in shown  # whom to call
    assert asked["no"].serial_number not in shown
    audited = session.exec(
        select(AccessAudit.subject_id).where(AccessAudit.actor_user_id == staff.id)
    ).all()
    assert audited == [asked["silent_family"].id]  # the family shown, recorded as read
    csv = client.get("/check-ins?format=csv&sort=serial_number")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.strip().splitlines()
    assert len(lines) == 4 and "status" in lines[0]


def test_another_school_sees_none_of_them(session, client, council, asked):
    other = make_school(session, council=make_council(session))
    staff = make_user(session, organisation=other, role=Role.SCHOOL_STAFF)
    response = client.get("/api/check-ins", headers=bearer(session, staff))
    assert response.status_code == 200 and response.json()["total"] == 0


def test_a_council_sees_the_devices_likely_lost(session, client, officer, asked):
    sign_in_pages(client, session, officer)
    page = client.get("/check-ins?likely_lost=true&sort=serial_number")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert asked["no"].serial_number in shown and asked["silent"].serial_number in shown
    assert asked["yes"].serial_number not in shown
    api = client.get("/api/check-ins?likely_lost=true", headers=bearer(session, officer))
    assert {row["device_id"] for row in api.json()["items"]} == {
        asked["no"].id,
        asked["silent"].id,
    }


def test_a_date_whose_texts_went_cannot_be_removed(session, client, officer, council, asked):
    headers = bearer(session, officer)
    [sent] = client.get("/api/check-in-dates", headers=headers).json()
    refused = client.delete(f"/api/check-in-dates/{sent['id']}", headers=headers)
    assert refused.status_code == 409
    later = client.post(
        "/api/check-in-dates",
        headers=headers,
        json={"sends_on": (TODAY + timedelta(days=60)).isoformat(), "label": "Spring term 2027"},
    )
    assert later.status_code == 201 and later.json()["wait_days"] == 7
    removed = client.delete(f"/api/check-in-dates/{later.json()['id']}", headers=headers)
    assert removed.status_code == 204
    assert [d["sends_on"] for d in client.get("/api/check-in-dates", headers=headers).json()] == [
        date.isoformat(SENDS_ON)
    ]
