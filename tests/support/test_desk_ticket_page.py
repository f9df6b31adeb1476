"""The support desk's ticket page: the thread with the family's words in their language and
direction, each action through its form (a ready-made reply in the family's language, a
written reply, a note never sent, assign, status, merge), failed forms shown again with
the problem beside its field and nothing saved, another organisation's ticket not found,
and school staff reading their own families' tickets without acting on them."""

import re

import pytest
from sqlmodel import select

from accounts.models import Role
from notifications.models import OutboxMessage
from notifications.templates import render as render_message
from support.models import Author, Team, Ticket, TicketMessage, TicketStatus
from tests.factories import make_council, make_school, make_user, sign_in_pages
from tests.support.desk_helpers import (
    ARABIC,
    POLISH,
    post,
    raise_ticket,
    reference,
    shown_ids,
)


def test_a_ticket_from_another_organisation_is_not_found(client, session, agent):
    elsewhere = raise_ticket(session, make_school(session, council=make_council(session)))
    token = sign_in_pages(client, session, agent)
    html = {"Accept": "text/html"}
    assert client.get(f"/tickets/{elsewhere.id}", headers=html).status_code == 404
    posted = client.post(
        f"/tickets/{elsewhere.id}/note",
        data={"csrf_token": token, "note": "Looking"},
        headers=html,
    )
    assert posted.status_code == 404
    assert len(session.exec(select(TicketMessage)).all()) == 1


def test_school_staff_read_only_their_own_familys_tickets(client, session, council, school):
    ours = raise_ticket(session, school, ARABIC, language="ar")
    theirs = raise_ticket(session, make_school(session, council=council))
    teacher = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, teacher)
    queue_page = client.get("/tickets").text
    assert shown_ids(queue_page) == [ours.id]
    assert 'name="assigned"' not in queue_page
    page = client.get(f"/tickets/{ours.id}")
    assert page.status_code == 200 and ARABIC in page.text
    assert 'method="post" action="/tickets/' not in page.text
    assert "You can read this ticket." in page.text
    html = {"Accept": "text/html"}
    assert client.get(f"/tickets/{theirs.id}", headers=html).status_code == 404
    refused = client.post(
        f"/tickets/{ours.id}/canned-reply",
        data={"csrf_token": token, "canned": "restart"},
        headers=html,
    )
    assert refused.status_code == 403
    assert len(session.exec(select(TicketMessage)).all()) == 2
    assert (
        session.exec(select(OutboxMessage).where(OutboxMessage.template == "canned-restart")).all()
        == []
    )


def test_a_ready_made_reply_goes_to_the_family_in_polish(client, session, school, agent):
    ticket = raise_ticket(session, school, POLISH, language="pl", phone=True)
    token = sign_in_pages(client, session, agent)
    page = client.get(f"/tickets/{ticket.id}").text
    polish = render_message("canned-restart", language="pl", context={})[1]
    assert polish != render_message("canned-restart", language="en", context={})[1]
    assert f'<span lang="pl" dir="auto">{polish}</span>' in page
    sent = post(client, token, f"/tickets/{ticket.id}/canned-reply", canned="restart")
    assert (sent.status_code, sent.headers["location"]) == (
        303,
        f"/tickets/{ticket.id}?done=replied",
    )
    outbox = session.exec(
        select(OutboxMessage).where(OutboxMessage.template == "canned-restart")
    ).one()
    assert (outbox.locale, outbox.recipient) == ("pl", ticket.phone_number)
    assert outbox.body == polish
    thread = client.get(sent.headers["location"]).text
    assert "Reply sent to the family" in thread
    assert re.search(rf'lang="pl" dir="auto">\s*{re.escape(polish)}\s*</p>', thread)
    session.refresh(ticket)
    assert ticket.status is TicketStatus.WAITING_ON_FAMILY and ticket.first_responded_at


def test_each_action_works_through_the_page_and_shows_on_the_thread(
    client, session, council, school, agent
):
    ticket = raise_ticket(session, school, ARABIC, language="ar", phone=True)
    duplicate = raise_ticket(session, school, "Same problem again, screen broken")
    colleague = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    token = sign_in_pages(client, session, agent)
    path = f"/tickets/{ticket.id}"

    # Written in Arabic by an agent who reads it: sent as written, not machine translated.
    written = post(client, token, f"{path}/reply", text="سنتصل بك غدا", send_as_written="yes")
    assert written.status_code == 303
    assert post(client, token, f"{path}/note", note="Checked the device record").status_code == 303
    page = client.get(path).text
    assert "Internal note: not sent to the family" in page and "Checked the device record" in page
    assert re.search(r'lang="ar" dir="auto">\s*سنتصل بك غدا', page)
    # The family's own words take the direction of their script (romanised Urdu is not RTL).
    assert re.search(r'lang="ar" dir="auto">\s*' + ARABIC, page)
    bodies = session.exec(select(OutboxMessage.body)).all()
    assert any("سنتصل بك غدا" in body for body in bodies)
    assert not any("Checked the device record" in body for body in bodies)

    assert post(client, token, f"{path}/assign", agent_id=str(agent.id)).status_code == 303
    session.refresh(ticket)
    assert ticket.agent_id == agent.id
    given = post(client, token, f"{path}/assign", agent_id=str(colleague.id), team="supplier")
    assert given.status_code == 303
    session.refresh(ticket)
    assert (ticket.agent_id, ticket.team) == (colleague.id, Team.SUPPLIER)
    assert "Ticket assigned" in client.get(given.headers["location"]).text

    assert post(client, token, f"{path}/status", status="resolved").status_code == 303
    session.refresh(ticket)
    assert ticket.status is TicketStatus.RESOLVED
    assert session.exec(
        select(OutboxMessage).where(OutboxMessage.template == "ticket-resolved")
    ).one()

    merged = post(
        client, token, f"/tickets/{duplicate.id}/merge", into_reference=reference(ticket).lower()
    )
    assert (merged.status_code, merged.headers["location"]) == (303, f"{path}?done=merged")
    session.refresh(duplicate)
    assert (duplicate.merged_into_id, duplicate.status) == (ticket.id, TicketStatus.CLOSED)
    kept = client.get(merged.headers["location"]).text
    assert "Same problem again, screen broken" in kept
    gone = client.get(f"/tickets/{duplicate.id}").text
    assert "was merged into" in gone and 'action="/tickets/' not in gone
    authors = session.exec(
        select(TicketMessage.author).where(TicketMessage.ticket_id == ticket.id)
    ).all()
    assert sorted(authors) == sorted([Author.FAMILY, Author.AGENT, Author.AGENT, Author.FAMILY])


@pytest.mark.parametrize(
    ("action", "fields", "field", "message"),
    [
        ("reply", {"text": "  "}, "text", "Enter a reply"),
        ("reply", {"text": "x" * 1601}, "text", "The reply must be 1,600 characters or fewer"),
        ("note", {"note": ""}, "note", "Enter a note"),
        ("canned-reply", {}, "canned", "Choose a ready-made reply"),
        ("canned-reply", {"canned": "dance"}, "canned", "No canned reply"),
        ("status", {"status": ""}, "status", "Choose a status"),
        ("status", {"status": "closed"}, "status", None),
        ("merge", {"into_reference": "ZZZZ-ZZZZ"}, "into_reference", "No ticket with reference"),
        ("merge", {"into_reference": ""}, "into_reference", "Enter the reference"),
        ("assign", {"agent_id": "a lot"}, "agent_id", "Choose someone from the list"),
        ("assign", {"agent_id": "elsewhere"}, "agent_id", "can work this ticket"),
    ],
)
def test_a_failed_form_is_shown_again_with_the_problem_beside_its_field(
    client, session, school, agent, action, fields, field, message
):
    ticket = raise_ticket(session, school, phone=True)
    ticket.status = TicketStatus.CLOSED if field == "status" and fields["status"] else ticket.status
    session.add(ticket)
    session.commit()
    if fields.get("agent_id") == "elsewhere":
        stranger = make_user(session, organisation=make_council(session), role=Role.SUPPORT_AGENT)
        fields = {"agent_id": str(stranger.id)}
    if fields.get("status") == "closed":
        message = "A closed ticket cannot become closed"
    before = session.exec(select(TicketMessage)).all(), session.exec(select(OutboxMessage)).all()
    token = sign_in_pages(client, session, agent)
    response = post(client, token, f"/tickets/{ticket.id}/{action}", **fields)
    assert response.status_code == 400, response.text
    assert "govuk-error-summary" in response.text and f'href="#{field}"' in response.text
    assert f'id="{field}-error"' in response.text and message in response.text
    for name, value in fields.items():
        if name in ("text", "note", "into_reference") and value.strip():
            assert value in response.text, f"{name} kept"
    session.expire_all()
    after = session.exec(select(TicketMessage)).all(), session.exec(select(OutboxMessage)).all()
    assert [len(rows) for rows in after] == [len(rows) for rows in before]
    stored = session.get(Ticket, ticket.id)
    assert (stored.agent_id, stored.merged_into_id) == (None, None)


def test_every_form_on_the_ticket_page_carries_the_csrf_token(client, session, school, agent):
    ticket = raise_ticket(session, school)
    token = sign_in_pages(client, session, agent)
    page = client.get(f"/tickets/{ticket.id}").text
    forms = re.findall(r'<form method="post" action="/tickets/[^"]+".*?</form>', page, re.S)
    assert len(forms) == 8  # with the language form
    assert all(f'name="csrf_token" value="{token}"' in form for form in forms)
    refused = client.post(
        f"/tickets/{ticket.id}/note", data={"note": "x"}, headers={"Accept": "text/html"}
    )
    assert refused.status_code == 403
