"""Ticket load for the council dashboard: by language, by category and by SLA state, each
counted in SQL, scoped to the caller, and the SLA state the same as support.sla's."""

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from sqlmodel import Session

from accounts.models import Organisation, Role
from dfc.caller import Caller
from support.models import Author, Category, Team, Ticket, TicketStatus, Via
from support.reports import (
    RUNNING,
    category_name,
    language_name,
    sla_counts,
    ticket_counts,
    tickets_by_sla_state,
)
from support.sla import Priority, SlaState, due_times, sla_state
from tests.factories import make_council, make_school, make_user

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
_numbers = count(1)


def make_ticket(
    session: Session,
    organisation: Organisation,
    *,
    created_at: datetime = MONDAY_9,
    priority: Priority = Priority.NORMAL,
    language: str = "en",
    category: Category = Category.OTHER,
    status: TicketStatus = TicketStatus.NEW,
    responded_at: datetime | None = None,
    merged_into: Ticket | None = None,
) -> Ticket:
    n = next(_numbers)
    first_due, resolution_due = due_times(created_at, priority)
    ticket = Ticket(
        reference=f"R{n:07d}",
        access_hash=f"{n:064d}",
        organisation_id=organisation.id,
        requester=Author.FAMILY,
        via=Via.WEB,
        category=category,
        language=language,
        status=status,
        priority=priority,
        team=Team.SCHOOL_IT,
        first_response_due=first_due,
        resolution_due=resolution_due,
        first_responded_at=responded_at,
        merged_into_id=merged_into.id if merged_into else None,
        created_at=created_at,
    )
    session.add(ticket)
    session.commit()
    return ticket


@pytest.fixture
def places(session: Session):
    council, other = make_council(session), make_council(session)
    school = make_school(session, council=council)
    elsewhere = make_school(session, council=other)
    user = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    return Caller.for_user(user, council), council, school, elsewhere


def test_tickets_by_language_count_open_and_all_and_leave_out_merged_and_other_councils(
    session, places
):
    officer, council, school, elsewhere = places
    polish = make_ticket(session, school, language="pl")
    make_ticket(session, school, language="pl", status=TicketStatus.RESOLVED)
    make_ticket(session, council, language="pl", status=TicketStatus.WAITING_ON_FAMILY)
    make_ticket(session, school, language="pl", merged_into=polish)
    make_ticket(session, school, language="ar", status=TicketStatus.CLOSED)
    make_ticket(session, elsewhere, language="pl")
    make_ticket(session, elsewhere, language="so")
    counts = ticket_counts(session, officer, "language")
    assert [(c.key, c.name, c.open, c.total) for c in counts] == [
        ("pl", "Polish", 2, 3),
        ("ar", "Arabic", 0, 1),
    ]


def test_tickets_by_category_name_each_category_in_plain_english(session, places):
    officer, _council, school, elsewhere = places
    for _ in range(2):
        make_ticket(session, school, category=Category.BROKEN_SCREEN)
    make_ticket(session, school, category=Category.DATA_USED_UP, status=TicketStatus.OPEN)
    make_ticket(session, elsewhere, category=Category.DATA_USED_UP)
    counts = ticket_counts(session, officer, "category")
    assert [(c.key, c.name, c.open, c.total) for c in counts] == [
        ("broken-screen", "Broken screen", 2, 2),
        ("data-used-up", "Data used up", 1, 1),
    ]


def test_sla_states_count_running_tickets_only_and_list_every_state(session, places):
    officer, _council, school, elsewhere = places
    now = MONDAY_9 + timedelta(days=1)
    make_ticket(session, school, priority=Priority.URGENT)  # an hour to respond: breached
    make_ticket(session, school, priority=Priority.LOW, created_at=now)  # just made: on time
    make_ticket(session, school, priority=Priority.URGENT, status=TicketStatus.RESOLVED)
    make_ticket(session, elsewhere, priority=Priority.URGENT)
    assert sla_counts(session, officer, now=now) == [
        (SlaState.OK, 1),
        (SlaState.DUE_SOON, 0),
        (SlaState.BREACHED, 1),
    ]


def python_state(ticket: Ticket, now: datetime) -> SlaState:
    """The worst of the running targets' states, as support.sla_alerts judges each."""
    targets = [ticket.resolution_due]
    if ticket.first_responded_at is None:
        targets.append(ticket.first_response_due)
    states = [sla_state(due, now, created_at=ticket.created_at) for due in targets]
    order = [SlaState.OK, SlaState.DUE_SOON, SlaState.BREACHED]
    return max(states, key=order.index)


@pytest.mark.parametrize("hours_later", [0.5, 0.8, 3.1, 6.5, 7.9, 30, 52, 75, 100, 130, 200])
def test_the_sla_state_in_sql_is_the_one_support_sla_gives(session, places, hours_later):
    officer, _council, school, _elsewhere = places
    tickets = []
    for priority in Priority:
        for start in (MONDAY_9, MONDAY_9 + timedelta(hours=5, minutes=30)):
            tickets.append(make_ticket(session, school, priority=priority, created_at=start))
            responded = start + timedelta(minutes=20)
            tickets.append(
                make_ticket(
                    session, school, priority=priority, created_at=start, responded_at=responded
                )
            )
    now = MONDAY_9 + timedelta(hours=hours_later)
    expected: dict[str, int] = {}
    for ticket in tickets:
        state = python_state(ticket, now).value
        expected[state] = expected.get(state, 0) + 1
    rows = session.execute(tickets_by_sla_state(officer, now=now)).all()
    assert {row.sla_state: row.tickets for row in rows} == expected
    assert len(expected) >= 1 and set(RUNNING) >= {TicketStatus.NEW}


def test_language_and_category_names_fall_back_to_the_code():
    assert language_name("cy") == "Welsh" and language_name("zz-unknown") == "zz-unknown"
    assert category_name("will-not-switch-on") == "Will not switch on"
