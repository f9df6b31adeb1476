"""A loan's review and return dates: set by staff, the overdue and due-soon lists for the
school and the council, and the daily scan's reminders (frozen time): the family is texted a
week before and on the day, in their language, each once, never at night; the school's
daily email lists them."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.alerts import run_daily_alerts
from dfc.i18n import translations
from notifications import outbox_bulk
from notifications.models import Channel, MessageStatus, OutboxMessage
from tests.devices.factories import make_allocation, make_device, make_family
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages

TODAY = date(2026, 11, 25)
NIGHT = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 23:30 in London in November


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
def at_night(monkeypatch):
    """The scan runs late at night: every message it makes is made at 23:30."""
    monkeypatch.setattr(outbox_bulk, "utcnow", lambda: NIGHT)
    return NIGHT


def lend(session: Session, school, *, language: str = "en", tag: str | None = None):
    device = make_device(session, holder=school, cover_until=date(2029, 1, 1))
    if tag:
        device.asset_tag = tag
        session.add(device)
    family = make_family(session, school=school, language=language)
    return make_allocation(session, device=device, family=family), family


def texts_to(session: Session, family) -> list[OutboxMessage]:
    session.expire_all()
    return list(
        session.exec(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == family.phone_number)
            .order_by(OutboxMessage.id)
        )
    )


def set_dates(client, staff, loan, **dates):
    answer = client.put(f"/api/loans/{loan.id}/dates", headers=staff, json=dates)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_review_date_before_the_loan_began_is_refused_naming_the_field(
    client, session, staff, school
):
    loan, _family = lend(session, school)
    refused = client.put(
        f"/api/loans/{loan.id}/dates", headers=staff, json={"review_on": "2025-01-01"}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "review_on" and "2026-02-01" in refused.json()["detail"]


def test_the_family_is_reminded_a_week_before_and_on_the_day_once_each_never_at_night(
    client, session, staff, school, at_night
):
    loan, family = lend(session, school, language="pl", tag="DFC-0042")
    set_dates(client, staff, loan, review_on="2026-12-02")  # a week after TODAY

    assert run_daily_alerts(session, today=TODAY) > 0
    session.commit()
    [week_before] = texts_to(session, family)
    polish = translations("pl").gettext
    assert week_before.template == "loan-review-soon" and week_before.locale == "pl"
    assert "DFC-0042" in week_before.body and "grudnia" in week_before.body
    assert polish("Laptop %(name)s") % {"name": "DFC-0042"} in week_before.body
    assert week_before.status is MessageStatus.HELD  # made at 23:30: sent at 08:00
    assert week_before.next_attempt_at == datetime(2026, 11, 26, 8, 0, tzinfo=UTC)

    for day in (26, 27, 28):  # the days between: nothing more
        run_daily_alerts(session, today=date(2026, 11, day))
        session.commit()
    assert len(texts_to(session, family)) == 1

    run_daily_alerts(session, today=date(2026, 12, 2))
    session.commit()
    run_daily_alerts(session, today=date(2026, 12, 3))
    session.commit()
    texts = texts_to(session, family)
    assert [t.template for t in texts] == ["loan-review-soon", "loan-review-due"]
    assert all(t.status is MessageStatus.HELD for t in texts)


def test_a_loan_first_seen_overdue_gets_one_reminder_and_the_school_digest_lists_it(
    client, session, staff, school
):
    loan, family = lend(session, school, tag="DFC-0007")
    make_user(session, organisation=school, role=Role.SCHOOL_STAFF, email="head@school.example")
    set_dates(client, staff, loan, return_by="2026-11-01")
    run_daily_alerts(session, today=TODAY)
    run_daily_alerts(session, today=date(2026, 11, 26))
    session.commit()
    assert [t.template for t in texts_to(session, family)] == ["loan-return-due"]
    digest = session.exec(
        select(OutboxMessage).where(
            OutboxMessage.channel == Channel.EMAIL,
            OutboxMessage.recipient == "head@school.example",
        )
    ).one()
    assert "Loans due back now or overdue: 1" in digest.body and "DFC-0007" in digest.body


def test_a_new_date_is_reminded_again_and_a_returned_loan_is_not(client, session, staff, school):
    loan, family = lend(session, school)
    set_dates(client, staff, loan, review_on="2026-11-25")
    run_daily_alerts(session, today=TODAY)
    session.commit()
    set_dates(client, staff, loan, review_on="2026-11-26", return_by="2026-11-27")
    run_daily_alerts(session, today=date(2026, 11, 26))
    session.commit()
    templates = [t.template for t in texts_to(session, family)]
    # the second morning's two things are one text, listing both
    assert templates == ["loan-review-due", "family-alerts"]
    returned, other = lend(session, school)
    set_dates(client, staff, returned, review_on="2026-11-27")
    returned.returned_on = date(2026, 11, 26)
    session.add(returned)
    session.commit()
    run_daily_alerts(session, today=date(2026, 11, 27))
    session.commit()
    assert texts_to(session, other) == []


def test_the_overdue_and_due_soon_lists_for_the_school_and_the_council(
    client, session, staff, council, school
):
    overdue, _f1 = lend(session, school)
    soon, _f2 = lend(session, school)
    later, _f3 = lend(session, school)
    elsewhere = make_school(session, council=council)
    theirs, _f4 = lend(session, elsewhere)
    set_dates(client, staff, overdue, review_on="2026-02-10")
    set_dates(client, staff, soon, return_by="2099-01-01", review_on="2026-02-02")
    set_dates(client, staff, later, return_by="2099-01-01")
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    theirs.review_on = date(2026, 1, 5)
    session.add(theirs)
    session.commit()

    def ids(headers, **query):
        answer = client.get("/api/loans", headers=headers, params=query)
        assert answer.status_code == 200, answer.text
        return [row["allocation_id"] for row in answer.json()["items"]]

    # today is real time: the review dates above are past, 2099 is later
    assert ids(staff, due="overdue") == [soon.id, overdue.id]
    assert ids(staff, due="later") == [later.id]
    assert ids(officer, due="overdue", sort="next_date") == [theirs.id, soon.id, overdue.id]
    assert ids(officer, due="overdue", school_id=elsewhere.id) == [theirs.id]
    csv = client.get("/api/loans", headers=officer, params={"due": "overdue", "format": "csv"})
    assert csv.status_code == 200 and csv.text.count("\n") == 4
    assert csv.text.lstrip("\ufeff").splitlines()[0].startswith("allocation_id,device_id,device")


def test_staff_set_dates_on_the_loan_page_and_see_the_overdue_list(client, session, school):
    loan, family = lend(session, school, tag="DFC-0099")
    token = sign_in_pages(
        client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    )
    bad = client.post(
        f"/loans/{loan.id}/dates",
        data={"csrf_token": token, "review_on-day": "31", "review_on-month": "2",
              "review_on-year": "2026"},
    )  # fmt: skip
    assert bad.status_code == 400 and "Review date must be a real date" in bad.text
    saved = client.post(
        f"/loans/{loan.id}/dates",
        data={"csrf_token": token, "review_on-day": "1", "review_on-month": "3",
              "review_on-year": "2026"},
    )  # fmt: skip
    assert saved.status_code == 200 and "dates are saved" in saved.text
    listing = client.get("/loans?due=overdue")
    assert listing.status_code == 200 and "DFC-0099" in listing.text
    assert family.pupil_reference in listing.text and "Overdue" in listing.text
    csv = client.get("/loans?due=overdue&format=csv")
    assert csv.status_code == 200 and "DFC-0099" in csv.text


def test_dates_given_when_allocating_are_kept_and_checked(client, session, staff, school):
    device = make_device(session, holder=school, cover_until=date(2029, 1, 1))
    family = make_family(session, school=school)
    body = {"device_id": device.id, "family_id": family.id, "allocated_on": "2026-02-01"}
    refused = client.post(
        "/api/allocations", headers=staff, json={**body, "return_by": "2026-01-31"}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "return_by"
    made = client.post("/api/allocations", headers=staff, json={**body, "review_on": "2026-09-01"})
    assert made.status_code == 201, made.text
    assert (made.json()["review_on"], made.json()["return_by"]) == ("2026-09-01", None)


def test_staff_give_a_review_date_when_allocating_on_the_page(client, session, school):
    device = make_device(session, holder=school, cover_until=date(2029, 1, 1))
    family = make_family(session, school=school)
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, user)
    form = {
        "csrf_token": token, "family": "existing", "family_id": str(family.id),
        "collected": "true", "allocated_on-day": "1", "allocated_on-month": "2",
        "allocated_on-year": "2026", "review_on-day": "30", "review_on-month": "2",
        "review_on-year": "2026",
    }  # fmt: skip
    wrong = client.post(f"/devices/{device.id}/allocate", data=form)
    assert wrong.status_code == 400 and "Review date must be a real date" in wrong.text
    form["review_on-day"] = "28"
    done = client.post(f"/devices/{device.id}/allocate", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    loan = client.get("/api/loans", headers=bearer(session, user)).json()["items"][0]
    assert (loan["review_on"], loan["return_by"]) == ("2026-02-28", None)
