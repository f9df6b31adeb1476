"""The support desk's queue: an agent's tickets filtered (each filter, SLA states on a
fixed clock), sorted and paged in the URL, the CSV equal to the database, and the family's
words shown in their own language and direction."""

import csv
import io
import random
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from accounts.models import Organisation, Role
from dfc.caller import Caller
from support.models import AgentLanguage, Category, Team, Ticket, TicketPriority, TicketStatus
from support.pages.desk_common import desk_now
from support.queue import QueueFilters, queue
from support.sla import SlaState, sla_state
from tests.factories import make_council, make_school, make_user, sign_in_pages
from tests.support.desk_helpers import (
    ARABIC,
    POLISH,
    raise_ticket,
    reference,
    shown_ids,
)

MONDAY_3PM = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock(client):
    """Fixes the moment the desk's pages judge SLAs by."""
    client.app.dependency_overrides[desk_now] = lambda: MONDAY_3PM
    yield MONDAY_3PM
    client.app.dependency_overrides.pop(desk_now, None)


def test_an_arabic_ticket_shows_in_the_agents_queue_right_to_left(client, session, school, agent):
    ticket = raise_ticket(session, school, ARABIC, language="ar", category=Category.BROKEN_SCREEN)
    other = raise_ticket(session, make_school(session, council=make_council(session)))
    sign_in_pages(client, session, agent)
    page = client.get("/tickets")
    assert page.status_code == 200
    assert shown_ids(page.text) == [ticket.id] and other.id not in shown_ids(page.text)
    assert reference(ticket) in page.text and "The screen is broken" in page.text
    excerpt = re.search(
        r'<td class="govuk-table__cell" lang="(\w+)" dir="(\w+)">([^<]*)<', page.text
    )
    # The browser sets the direction from the script: Arabic right to left, and a family
    # writing Urdu in Latin letters left to right.
    assert excerpt.groups() == ("ar", "auto", ARABIC)
    assert '<span lang="ar" dir="rtl">العربية</span>' in page.text
    assert '<main class="govuk-main-wrapper" id="main-content">' in page.text  # English page


def test_the_queue_needs_a_signed_in_member_of_desk_staff(client):
    response = client.get("/tickets", headers={"Accept": "text/html"}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/sign-in?next=%2Ftickets")


@pytest.fixture
def spread(session, council, school, agent):
    """Tickets that differ in every way the queue filters by."""
    colleague = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    other_school = make_school(session, council=council)
    tickets = {
        "arabic": raise_ticket(session, school, ARABIC, language="ar"),
        "polish": raise_ticket(session, school, POLISH, language="pl", category=Category.OTHER),
        "lost": raise_ticket(session, other_school, category=Category.LOST_OR_STOLEN),
        "closed": raise_ticket(session, school, "All fine now"),
        "mine": raise_ticket(session, school, "Data has run out", category=Category.DATA_USED_UP),
        "theirs": raise_ticket(session, school, "Cannot connect", category=Category.CANNOT_CONNECT),
    }
    tickets["closed"].status = TicketStatus.CLOSED
    tickets["mine"].agent_id = agent.id
    tickets["theirs"].agent_id = colleague.id
    tickets["theirs"].team = Team.SUPPLIER
    tickets["polish"].status = TicketStatus.WAITING_ON_FAMILY
    session.add_all(tickets.values())
    session.add(AgentLanguage(user_id=agent.id, language="pl"))
    session.commit()
    return tickets


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"arabic", "polish", "lost", "mine", "theirs"}),
        ("status=all", {"arabic", "polish", "lost", "closed", "mine", "theirs"}),
        ("status=closed", {"closed"}),
        ("status=waiting-on-family", {"polish"}),
        ("language=ar", {"arabic"}),
        ("language=pl&status=", {"polish"}),
        ("category=lost-or-stolen", {"lost"}),
        ("category=data-used-up&language=", {"mine"}),
        ("team=supplier", {"theirs"}),
        ("team=school-it&category=cannot-connect", set()),
        ("assigned=me", {"mine"}),
        ("assigned=nobody", {"arabic", "polish", "lost"}),
        ("my_languages=true", {"polish"}),
        ("sla=ok&assigned=", {"arabic", "polish", "lost", "mine", "theirs"}),
        ("sla=breached", set()),
    ],
)
def test_each_filter_narrows_the_queue_and_stays_in_the_url(
    client, session, agent, spread, query, expected
):
    sign_in_pages(client, session, agent)
    page = client.get(f"/tickets?{query}")
    assert page.status_code == 200, page.text
    assert set(shown_ids(page.text)) == {spread[name].id for name in expected}
    for key, value in (part.split("=") for part in query.split("&") if part):
        if value and key != "my_languages":
            assert re.search(rf'<option value="{value}" selected>', page.text), key
    if not expected:
        assert "No tickets match." in page.text


def test_a_filter_value_that_does_not_exist_is_a_clear_400(client, session, agent):
    sign_in_pages(client, session, agent)
    response = client.get("/tickets?status=exploded", headers={"Accept": "text/html"})
    assert response.status_code == 400 and "status" in response.text


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def test_the_sla_state_filter_uses_working_hours_on_a_fixed_clock(
    client, session, school, agent, clock
):
    """Monday 23 November 2026, 15:00: a normal ticket has 8 working hours to a first reply
    and is due soon once 6 are used; a high one has 4; an answered one runs to resolution."""
    due_soon = raise_ticket(session, school, "Made at nine", now=at(23, 9))  # 6 of 8 used
    on_time = raise_ticket(session, school, "Made at noon", now=at(23, 12))  # 3 of 8 used
    breached = raise_ticket(session, school, "Made on Friday", now=at(20, 10))  # due Mon 10:00
    weekend = raise_ticket(session, school, "Made on Saturday", now=at(21, 11))  # 6 used by 15:00
    lost = raise_ticket(session, school, "Stolen", category=Category.LOST_OR_STOLEN, now=at(23, 14))
    answered = raise_ticket(session, school, "Answered last week", now=at(17, 9))
    answered.first_responded_at = at(17, 10)  # resolution due Tue 24 09:00; 38 of 40 used
    done = raise_ticket(session, school, "Solved", now=at(2, 9))
    done.status = TicketStatus.RESOLVED
    session.add_all([answered, done])
    session.commit()
    assert lost.priority is TicketPriority.HIGH
    sign_in_pages(client, session, agent)
    expected = {
        SlaState.OK: {on_time.id, lost.id},
        SlaState.DUE_SOON: {due_soon.id, weekend.id, answered.id},
        SlaState.BREACHED: {breached.id},
    }
    for state, ids in expected.items():
        page = client.get(f"/tickets?sla={state.value}")
        assert set(shown_ids(page.text)) == ids, state
    everything = client.get("/tickets?status=all&format=csv").content.decode("utf-8-sig")
    rows = {int(row["id"]): row["sla_state"] for row in csv.DictReader(io.StringIO(everything))}
    assert rows[done.id] == ""
    for ticket in (due_soon, on_time, breached, weekend, lost, answered):
        session.refresh(ticket)
        running_due = (
            ticket.resolution_due if ticket.first_responded_at else ticket.first_response_due
        )
        assert rows[ticket.id] == sla_state(running_due, clock, created_at=ticket.created_at)
    page = client.get("/tickets").text
    assert "Due soon" in page and "Breached" in page and "On time" in page


def test_the_sla_filter_agrees_with_the_sla_rules_for_any_moment(session, school, agent):
    """The query's set-based SLA states equal `sla_state` worked out ticket by ticket."""
    chance = random.Random(7)
    now = datetime(2026, 12, 23, 11, 20, tzinfo=UTC)  # Christmas falls inside the window
    for _ in range(80):
        created = now - timedelta(minutes=chance.randrange(0, 60 * 24 * 4))
        category = chance.choice([Category.OTHER, Category.LOST_OR_STOLEN])
        ticket = raise_ticket(session, school, "x" * 10, category=category, now=created)
        if chance.random() < 0.4:
            ticket.first_responded_at = created + timedelta(minutes=5)
            session.add(ticket)
    session.commit()
    caller = Caller.for_user(agent, session.get(Organisation, agent.organisation_id))
    expected: dict[str, set[int]] = {state.value: set() for state in SlaState}
    for ticket in session.exec(select(Ticket)):
        due = ticket.resolution_due if ticket.first_responded_at else ticket.first_response_due
        expected[sla_state(due, now, created_at=ticket.created_at).value].add(ticket.id)
    for state in SlaState:
        statement = queue(caller, QueueFilters(sla=state), now=now)
        found = {row.id for row in session.exec(statement)}
        assert found == expected[state.value], state
    assert all(expected.values()), "the sample should reach every state"


def test_the_queue_sorts_and_pages_in_the_url(client, session, school, agent):
    made = [
        raise_ticket(session, school, f"Ticket number {n}", now=at(16 + n, 10)) for n in range(5)
    ]
    sign_in_pages(client, session, agent)
    first = client.get("/tickets?sort=created_at&per_page=2").text
    assert shown_ids(first) == [made[0].id, made[1].id]
    assert "Showing 1 to 2 of 5 tickets." in first
    assert 'href="/tickets?sort=created_at&amp;per_page=2&amp;page=2"' in first
    last = client.get("/tickets?sort=created_at&per_page=2&page=3").text
    assert shown_ids(last) == [made[4].id]
    newest_first = client.get("/tickets?sort=-created_at&per_page=2").text
    assert shown_ids(newest_first) == [made[4].id, made[3].id]
    assert 'aria-sort="descending"' in newest_first
    by_due = client.get("/tickets").text  # the default: the most pressing SLA first
    assert shown_ids(by_due) == [ticket.id for ticket in made]
    bad = client.get("/tickets?sort=colour", headers={"Accept": "text/html"})
    assert bad.status_code == 422 and "Cannot sort by" in bad.text


def test_the_csv_has_every_matching_row_as_the_database_has_it(client, session, agent, spread):
    sign_in_pages(client, session, agent)
    response = client.get("/tickets?per_page=1&status=all&sort=reference&format=csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    stored = session.exec(select(Ticket).order_by(Ticket.reference)).all()
    assert [
        (int(r["id"]), r["reference"], r["status"], r["language"], r["team"]) for r in rows
    ] == [(t.id, t.reference, t.status.value, t.language, t.team.value) for t in stored]
    assert {r["assignee"] for r in rows} == {"Amina Agent", "Test User", ""}
    only_arabic = client.get("/tickets?language=ar&format=csv").content.decode("utf-8-sig")
    assert [r["reference"] for r in csv.DictReader(io.StringIO(only_arabic))] == [
        spread["arabic"].reference
    ]
