"""Alerts before an information sharing agreement ends: 60 and 30 days before and on its last
day, one email per agreement, threshold and recipient, through the outbox, never twice."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from notifications.models import AlertPolicy, Channel, OutboxMessage
from privacy.agreement_alerts import run_agreement_alerts
from tests.factories import make_user
from tests.privacy.agreement_helpers import World, build_world, record

TODAY = date(2026, 11, 25)
ENDS = TODAY + timedelta(days=60)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def messages(session: Session) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def scan(session: Session, day: date) -> int:
    queued = run_agreement_alerts(session, today=day)
    session.commit()
    return queued


def test_each_threshold_alerts_the_councils_officers_once(session, world):
    second = make_user(session, organisation=world.council, role=Role.COUNCIL_OFFICER)
    agreement = record(
        session, world.officer, reference="ISG-60", starts_on=date(2025, 12, 1), ends_on=ENDS
    )
    assert scan(session, TODAY - timedelta(days=1)) == 0  # 61 days out: nothing yet
    assert scan(session, TODAY) == 2
    assert scan(session, TODAY) == 0  # the same day again: nothing new
    assert scan(session, TODAY + timedelta(days=10)) == 0  # 50 days out: still the 60-day
    assert scan(session, TODAY + timedelta(days=30)) == 2  # 30 days out
    assert scan(session, TODAY + timedelta(days=31)) == 0
    assert scan(session, ENDS) == 2  # the last day
    assert scan(session, ENDS) == 0
    assert scan(session, ENDS + timedelta(days=1)) == 0
    sent = messages(session)
    assert len(sent) == 6
    assert {m.recipient for m in sent} == {world.officer.email, second.email}
    assert all(m.channel is Channel.EMAIL and m.organisation_id == world.council.id for m in sent)
    first, _, thirty, _, last, _ = sent
    assert "ISG-60" in first.subject and "ends in 60 days" in first.subject
    assert "Camden" in first.body and "Laptop Repairs Ltd" in first.body
    assert f"/privacy/agreements/{agreement.id}" in first.body
    assert "24 January 2027" in first.body  # the last day, written out
    assert "ends in 30 days" in thirty.subject and "ends today" in last.subject


def test_an_agreement_first_seen_inside_30_days_gets_one_alert_not_two(session, world):
    record(session, world.officer, starts_on=date(2025, 1, 1), ends_on=TODAY + timedelta(days=20))
    assert scan(session, TODAY) == 1
    [alert] = messages(session)
    assert "ends in 20 days" in alert.subject
    assert scan(session, TODAY + timedelta(days=5)) == 0
    assert scan(session, TODAY + timedelta(days=20)) == 1


def test_a_missed_last_day_is_still_told_within_a_week(session, world):
    record(session, world.officer, starts_on=date(2025, 1, 1), ends_on=TODAY - timedelta(days=2))
    assert scan(session, TODAY) == 1
    assert "has ended" in messages(session)[0].subject
    assert scan(session, TODAY + timedelta(days=1)) == 0


def test_the_alert_policys_addresses_replace_the_officers(session, world):
    session.add(
        AlertPolicy(
            council_id=world.council.id, digest_emails="dpo@camden.example, ig@camden.example"
        )
    )
    session.commit()
    record(session, world.officer, starts_on=date(2025, 1, 1), ends_on=ENDS)
    assert scan(session, TODAY) == 2
    assert {m.recipient for m in messages(session)} == {"dpo@camden.example", "ig@camden.example"}


def test_each_council_hears_only_of_its_own_agreements(session, world):
    record(session, world.officer, reference="CAMD", starts_on=date(2025, 1, 1), ends_on=ENDS)
    record(
        session,
        world.other_officer,
        reference="HACK",
        starts_on=date(2025, 1, 1),
        ends_on=TODAY + timedelta(days=30),
    )
    assert scan(session, TODAY) == 2
    by_recipient = {m.recipient: m.subject for m in messages(session)}
    assert "CAMD" in by_recipient[world.officer.email]
    assert "HACK" in by_recipient[world.other_officer.email]


def test_an_agreement_ended_early_or_far_off_raises_nothing(session, world):
    from privacy.agreements import end_agreement_early
    from privacy.agreements_models import AgreementEnd
    from tests.privacy.agreement_helpers import as_caller

    early = record(session, world.officer, reference="E", starts_on=date(2025, 1, 1), ends_on=ENDS)
    end_agreement_early(
        session,
        caller=as_caller(session, world.officer),
        agreement_id=early.id,
        end_in=AgreementEnd(on=date(2025, 6, 1), reason="Replaced"),
    )
    session.commit()
    record(
        session,
        world.officer,
        reference="FAR",
        starts_on=date(2025, 1, 1),
        ends_on=TODAY + timedelta(days=200),
    )
    assert scan(session, TODAY) == 0
    assert messages(session) == []


def test_the_daily_alerts_task_runs_the_agreement_scan(session, world):
    from dfc.clock import today
    from notifications.tasks import daily_alerts

    record(
        session,
        world.officer,
        starts_on=today() - timedelta(days=300),
        ends_on=today() + timedelta(days=30),
    )
    assert daily_alerts() == 1
    assert [m.template for m in messages(session)] == ["agreement-ending"]
    assert daily_alerts() == 0
