"""A ticket about to breach, or breaching, its SLA raises an alert once per state."""

from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select

from accounts.models import Role
from notifications.models import OutboxMessage
from support.models import Category, Via
from support.sla_alerts import raise_sla_alerts
from support.tickets import open_ticket
from tests.factories import make_council, make_school, make_user

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_an_sla_alert_goes_to_the_desk_once_as_due_soon_and_once_as_breached(
    session: Session,
):
    school = make_school(session, council=make_council(session))
    make_user(session, organisation=school, role=Role.SCHOOL_STAFF, email="it@school.example")
    ticket = open_ticket(
        session,
        text="The laptop will not start at all",
        via=Via.WEB,
        category=Category.WILL_NOT_SWITCH_ON,
        organisation_id=school.id,
        now=MONDAY_9,
    ).ticket
    session.commit()
    assert raise_sla_alerts(session, now=MONDAY_9 + timedelta(hours=1)) == 0
    soon = ticket.first_response_due - timedelta(hours=1)
    assert raise_sla_alerts(session, now=soon) == 1
    assert raise_sla_alerts(session, now=soon) == 0
    late = ticket.first_response_due + timedelta(minutes=5)
    assert raise_sla_alerts(session, now=late) == 1
    session.commit()
    subjects = [m.subject for m in session.exec(select(OutboxMessage).order_by(OutboxMessage.id))]
    assert subjects[0].endswith("is about to miss its first response time")
    assert subjects[1].endswith("has missed its first response time")
