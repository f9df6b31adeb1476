"""The daily scan: each alert once per threshold per item, a text a morning to the family
in their language, and one digest a day per organisation for staff."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from devices.alerts import run_daily_alerts
from devices.models import Family
from notifications.models import Channel, OutboxMessage
from tests.devices.factories import make_allocation, make_device, make_family
from tests.factories import make_council, make_school, make_user

TODAY = date(2026, 11, 25)


@pytest.fixture
def world(session: Session):
    council = make_council(session)
    school = make_school(session, council=council, name="Kentish Town Primary")
    make_user(session, organisation=school, role=Role.SCHOOL_STAFF, email="staff@school.example")
    make_user(
        session, organisation=council, role=Role.COUNCIL_OFFICER, email="officer@council.example"
    )
    family = make_family(session, school=school, language="pl")
    device = make_device(
        session,
        holder=school,
        received_on=date(2026, 6, 1),
        cover_until=TODAY + timedelta(days=25),
    )
    make_allocation(session, device=device, family=family)
    return council, school, family, device


def messages(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_scan_texts_the_family_in_their_language_and_sends_each_office_a_digest(session, world):
    _council, _school, family, device = world
    queued = run_daily_alerts(session, today=TODAY)
    session.commit()
    sent = messages(session)
    assert queued == len(sent) == 3
    texts = [m for m in sent if m.channel is Channel.SMS]
    assert [(m.recipient, m.locale, m.template) for m in texts] == [
        (family.phone_number, "pl", "support-ending")
    ]
    assert "Kentish Town Primary" in texts[0].body
    digests = sorted(m.recipient for m in sent if m.channel is Channel.EMAIL)
    assert digests == ["officer@council.example", "staff@school.example"]
    digest = next(m for m in sent if m.recipient == "staff@school.example")
    assert device.serial_number in digest.body and "Support ending" in digest.body


def test_running_the_scan_twice_sends_nothing_more(session, world):
    run_daily_alerts(session, today=TODAY)
    session.commit()
    assert run_daily_alerts(session, today=TODAY) == 0
    session.commit()
    assert len(messages(session)) == 3


def test_each_threshold_fires_once_and_a_late_item_gets_one_alert_not_three(session, world):
    run_daily_alerts(session, today=TODAY)  # 25 days out: the 30-day alert
    session.commit()
    assert run_daily_alerts(session, today=TODAY + timedelta(days=5)) == 0  # still in 30
    session.commit()
    later = run_daily_alerts(session, today=TODAY + timedelta(days=19))  # 6 days: the 7-day
    session.commit()
    assert later == 3
    texts = [m for m in messages(session) if m.channel is Channel.SMS]
    assert [m.template for m in texts] == ["support-ending", "support-ending"]
    assert all("20 grudnia 2026" in m.body for m in texts)  # at 30 days out, then at 7


def test_a_family_without_consent_gets_no_text_but_staff_still_hear(session, world):
    _council, _school, family, _device = world
    stored = session.get(Family, family.id)
    stored.sms_consent = False
    session.commit()
    run_daily_alerts(session, today=TODAY)
    session.commit()
    assert {m.channel for m in messages(session)} == {Channel.EMAIL}


def test_another_councils_items_do_not_reach_this_councils_digest(session, world):
    council, _school, _family, _device = world
    other_school = make_school(session, council=make_council(session))
    other = make_device(session, holder=other_school, cover_until=TODAY + timedelta(days=3))
    run_daily_alerts(session, today=TODAY)
    session.commit()
    officer_digest = next(m for m in messages(session) if m.recipient == "officer@council.example")
    assert other.serial_number not in officer_digest.body
    assert session.get(Organisation, council.id) is not None


def test_an_item_due_after_todays_scan_waits_for_tomorrows_digest(session, world):
    _council, school, _family, _device = world
    run_daily_alerts(session, today=TODAY)
    session.commit()
    late = make_device(session, holder=school, cover_until=TODAY + timedelta(days=3))
    assert run_daily_alerts(session, today=TODAY) == 0
    session.commit()
    assert run_daily_alerts(session, today=TODAY + timedelta(days=1)) == 2
    session.commit()
    digest = [m for m in messages(session) if m.recipient == "staff@school.example"][-1]
    assert late.serial_number in digest.body


def test_a_sim_past_all_its_data_gets_one_text_not_two(session, world):
    from devices.models import Allocation, DataUsage
    from tests.devices.factories import make_dongle_with_sim

    _council, school, _family, device = world
    dongle, sim = make_dongle_with_sim(
        session,
        holder=school,
        device=device,
        contract_starts_on=date(2026, 9, 1),
        contract_ends_on=date(2027, 8, 31),
    )
    allocation = session.exec(select(Allocation)).one()
    allocation.dongle_id = dongle.id
    session.add(DataUsage(sim_id=sim.id, read_on=TODAY, used_mb=3 * 1024 + 1))
    session.commit()
    run_daily_alerts(session, today=TODAY)
    session.commit()
    # The laptop's support ends too: one text lists both, the data once, as used up.
    [text] = [m for m in messages(session) if m.channel is Channel.SMS]
    assert text.template == "family-alerts"
    assert text.body.count("4G") == 1 and "Bez danych 4G do 1 grudnia" in text.body
