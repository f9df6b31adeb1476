"""The safeguarding lead's digest: once a day per council, to the lead's email, listing what
is new since the last digest and what is still unfiltered; nothing when the list is empty or
no lead is set."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.models import CouncilSafeguarding
from devices.safeguarding_digest import send_safeguarding_digests
from notifications.models import Audience, Channel, OutboxMessage
from notifications.scheduled import DAILY_RULES, run_daily_rules
from tests.devices.filtering_setup import TODAY, with_child
from tests.factories import make_council, make_school, make_user


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: TODAY)


@pytest.fixture
def world(session: Session):
    council = make_council(session)
    school = make_school(session, council=council, name="Camden School for Girls")
    make_user(session, organisation=council, role=Role.COUNCIL_OFFICER, email="o@council.example")
    session.add(
        CouncilSafeguarding(
            council_id=council.id,
            lead_name="Priya Shah",
            lead_email="safeguarding@council.example",
            updated_by="test",
        )
    )
    session.commit()
    return council, school


def digests(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    statement = select(OutboxMessage).where(OutboxMessage.template == "safeguarding-digest")
    return list(session.exec(statement.order_by(OutboxMessage.id)))


def test_the_lead_gets_one_email_a_day_listing_the_unfiltered_devices(session, world):
    _council, school = world
    with_child(session, school, "NO-FILTER-1")
    assert send_safeguarding_digests(session, today=TODAY) == 1
    session.commit()
    assert send_safeguarding_digests(session, today=TODAY) == 0  # the same day again
    session.commit()
    [sent] = digests(session)
    assert (sent.channel, sent.recipient, sent.audience) == (
        Channel.EMAIL,
        "safeguarding@council.example",
        Audience.STAFF,
    )
    assert "Priya Shah" in sent.body and "unfiltered devices" in sent.subject
    assert "New since the last digest: 1" in sent.body
    assert "NO-FILTER-1, Camden School for Girls" in sent.body
    assert "Still unfiltered" not in sent.body


def test_the_next_day_says_what_is_new_and_what_is_still_outstanding(session, world):
    _council, school = world
    with_child(session, school, "NO-FILTER-1")
    send_safeguarding_digests(session, today=TODAY)
    session.commit()
    with_child(session, school, "NO-FILTER-2")
    assert send_safeguarding_digests(session, today=TODAY + timedelta(days=1)) == 1
    session.commit()
    later = digests(session)[-1]
    new, outstanding = later.body.split("Still unfiltered")
    assert "NO-FILTER-2" in new and "NO-FILTER-1" not in new
    assert "NO-FILTER-1" in outstanding


def test_nothing_is_sent_when_the_list_is_empty(session, world):
    assert send_safeguarding_digests(session, today=TODAY) == 0
    session.commit()
    assert digests(session) == []


def test_nothing_is_sent_without_a_lead(session):
    council = make_council(session)
    with_child(session, make_school(session, council=council), "NO-LEAD")
    assert send_safeguarding_digests(session, today=TODAY) == 0
    session.commit()
    assert digests(session) == []


def test_each_council_hears_only_about_its_own(session, world):
    _council, school = world
    with_child(session, school, "OURS")
    other = make_council(session)
    with_child(session, make_school(session, council=other), "THEIRS")
    session.add(
        CouncilSafeguarding(council_id=other.id, lead_email="lead@other.example", updated_by="t")
    )
    session.commit()
    assert send_safeguarding_digests(session, today=TODAY) == 2
    session.commit()
    by_lead = {m.recipient: m.body for m in digests(session)}
    assert "OURS" in by_lead["safeguarding@council.example"]
    assert "THEIRS" not in by_lead["safeguarding@council.example"]
    assert "THEIRS" in by_lead["lead@other.example"]


def test_it_runs_with_the_daily_rules(session, world):
    _council, school = world
    with_child(session, school, "NO-FILTER-1")
    assert "safeguarding" in DAILY_RULES
    run_daily_rules(session)
    session.commit()
    assert len(digests(session)) == 1
