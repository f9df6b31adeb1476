"""A SIM lent on its own, in the account holder's phone, is alerted like a dongle's SIM:
its family hears once when its data is nearly used and once when its term is ending, and
the school's digest names it."""

from datetime import date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from devices.alerts import run_daily_alerts
from devices.models import DataUsage, SimLoan
from dfc.settings import get_settings
from notifications.models import Channel, OutboxMessage
from tests.devices.factories import make_family
from tests.devices.sim_loan_setup import lend, make_sim
from tests.factories import make_council, make_school, make_user, sign_in_pages

TODAY = date(2026, 11, 10)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: TODAY)


@pytest.fixture
def world(session: Session):
    council = make_council(session)
    school = make_school(session, council=council, name="Kentish Town Primary")
    make_user(session, organisation=school, role=Role.SCHOOL_STAFF, email="staff@school.example")
    family = make_family(session, school=school, home_broadband=False)
    sim = make_sim(session, holder=school, ends_on=TODAY + timedelta(days=20))
    lend(session, sim=sim, family=family)
    # 17 GB of 20: 85%
    session.add(DataUsage(sim_id=sim.id, read_on=TODAY, used_mb=17 * 1024))
    session.commit()
    return school, family, sim


def sent(session: Session, channel: Channel) -> list[OutboxMessage]:
    session.expire_all()
    statement = select(OutboxMessage).where(OutboxMessage.channel == channel)
    return list(session.exec(statement.order_by(OutboxMessage.id)))


def test_a_sim_only_loan_gets_one_text_for_data_nearly_used_and_term_ending(session, world):
    _school, family, sim = world
    run_daily_alerts(session, today=TODAY)
    session.commit()
    [text] = sent(session, Channel.SMS)
    assert text.recipient == family.phone_number
    assert text.template == "family-alerts"
    assert "4G internet ends" in text.body and "4G data: 80% used" in text.body
    [digest] = sent(session, Channel.EMAIL)
    assert digest.recipient == "staff@school.example" and sim.iccid in digest.body


def test_a_sim_only_loan_is_not_alerted_twice_for_the_same_thing(session, world):
    run_daily_alerts(session, today=TODAY)
    session.commit()
    assert run_daily_alerts(session, today=TODAY) == 0
    session.commit()
    assert run_daily_alerts(session, today=TODAY + timedelta(days=1)) == 0
    session.commit()
    assert len(sent(session, Channel.SMS)) == 1 and len(sent(session, Channel.EMAIL)) == 1


def test_a_returned_sim_brings_the_family_no_text_but_staff_still_hear(session, world):
    loan = session.exec(select(SimLoan)).one()
    loan.returned_on = TODAY - timedelta(days=1)
    session.add(loan)
    session.commit()
    run_daily_alerts(session, today=TODAY)
    session.commit()
    assert sent(session, Channel.SMS) == []
    assert len(sent(session, Channel.EMAIL)) == 1


def test_the_councils_dashboard_lists_the_lent_sims_contract_ending(client, session, world):
    school, _family, sim = world
    # The dashboard reads the real day (its own import of it), not this module's frozen one.
    sim.contract_ends_on = datetime.now(get_settings().zone).date() + timedelta(days=20)
    session.add(sim)
    session.commit()
    council = session.get(Organisation, school.council_id)
    sign_in_pages(
        client, session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    )
    page = client.get("/dashboard/sims-ending", headers={"Accept": "text/html"})
    assert page.status_code == 200 and sim.iccid in page.text
