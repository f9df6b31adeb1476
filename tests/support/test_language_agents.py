"""Agents change a ticket's language, and the family's, on the ticket page and by API, saying
why; every change is kept with who and why and shown on the ticket page. Scoped like the
ticket; bad input names its field; the reasons are covered by subject access, erasure and
retention like the ticket's text."""

import pytest
from markupsafe import escape
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from devices.models import Family
from dfc.audit.models import AccessAudit, SubjectType
from support import retention
from support.models import Ticket, TicketLanguageChange, Via
from support.tickets import open_ticket
from tests.devices.factories import make_family
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages
from tests.support.desk_helpers import post, raise_ticket


def family_ticket(session: Session, school: Organisation, language: str = "en") -> Ticket:
    family = make_family(session, school=school, language=language)
    opened = open_ticket(
        session, text="The laptop will not switch on", via=Via.WEB, phone=family.phone_number
    )
    session.commit()
    return opened.ticket


def change(client, session, user, ticket_id: int, **body):
    return client.post(
        f"/api/tickets/{ticket_id}/language", headers=bearer(session, user), json=body
    )


def fresh(session: Session, model, row_id: int):
    session.expire_all()
    return session.get(model, row_id)


def test_an_agent_changes_the_ticket_and_the_familys_language_by_api(
    client, session, school, agent
):
    ticket = family_ticket(session, school)
    answer = change(
        client,
        session,
        agent,
        ticket.id,
        language="ur",
        reason="The mother asked on the phone for Urdu",
        also_family=True,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert (body["language"], body["language_source"], body["family_language"]) == (
        "ur",
        "agent",
        "ur",
    )
    [row] = body["history"]
    assert row["from_language"] == "en" and row["to_language"] == "ur"
    assert row["family_id"] == ticket.family_id and row["family_from_language"] == "en"
    assert (row["changed_by"], row["staff_user_id"]) == ("staff", agent.id)
    assert row["reason"] == "The mother asked on the phone for Urdu"
    assert fresh(session, Ticket, ticket.id).language == "ur"
    assert fresh(session, Family, ticket.family_id).preferred_language == "ur"


def test_only_the_ticket_changes_unless_the_family_is_asked_for(client, session, school, agent):
    ticket = family_ticket(session, school, language="pl")
    answer = change(client, session, agent, ticket.id, language="ro", reason="Wrote in Romanian")
    assert answer.status_code == 200
    assert answer.json()["family_language"] == "pl"
    assert fresh(session, Family, ticket.family_id).preferred_language == "pl"
    [row] = session.exec(select(TicketLanguageChange)).all()
    assert (row.family_id, row.family_from_language) == (None, None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"language": "xx", "reason": "Asked on the phone"}, "language"),
        ({"language": "de", "reason": "Asked on the phone"}, "language"),
        ({"language": "pl", "reason": "  "}, "reason"),
        ({"language": "pl", "reason": "x" * 501}, "reason"),
        ({"language": "pl"}, "reason"),
    ],
)
def test_bad_input_names_its_field_and_changes_nothing(client, session, school, agent, body, field):
    ticket = family_ticket(session, school)
    answer = change(client, session, agent, ticket.id, **body)
    assert answer.status_code == 422
    assert answer.json()["field"] == field
    assert fresh(session, Ticket, ticket.id).language == "en"
    assert session.exec(select(TicketLanguageChange)).all() == []


def test_the_family_cannot_change_on_a_ticket_with_no_family(client, session, school, agent):
    ticket = raise_ticket(session, school)
    answer = change(
        client, session, agent, ticket.id, language="pl", reason="Asked", also_family=True
    )
    assert answer.status_code == 422 and answer.json()["field"] == "also_family"
    assert fresh(session, Ticket, ticket.id).language == "en"


def test_the_same_language_again_is_a_conflict(client, session, school, agent):
    ticket = family_ticket(session, school, language="pl")
    assert fresh(session, Ticket, ticket.id).language == "en"  # detected from English words
    answer = change(client, session, agent, ticket.id, language="en", reason="Checking")
    assert answer.status_code == 409 and answer.json()["field"] == "language"


def test_another_organisations_ticket_is_not_found_and_school_staff_cannot_change(
    client, session, council, school, agent
):
    elsewhere = family_ticket(session, make_school(session, council=make_council(session)))
    assert (
        change(client, session, agent, elsewhere.id, language="pl", reason="x y z").status_code
        == 404
    )
    assert (
        client.get(
            f"/api/tickets/{elsewhere.id}/language", headers=bearer(session, agent)
        ).status_code
        == 404
    )
    ours = family_ticket(session, school)
    teacher = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    assert (
        change(client, session, teacher, ours.id, language="pl", reason="x y z").status_code == 403
    )
    assert fresh(session, Ticket, ours.id).language == "en"
    assert session.exec(select(TicketLanguageChange)).all() == []


def test_reading_the_history_is_recorded_in_the_access_audit(client, session, school, agent):
    ticket = family_ticket(session, school)
    change(client, session, agent, ticket.id, language="so", reason="Aunt said Somali")
    answer = client.get(f"/api/tickets/{ticket.id}/language", headers=bearer(session, agent))
    assert answer.status_code == 200
    assert answer.json()["history"][0]["reason"] == "Aunt said Somali"
    session.expire_all()
    audited = session.exec(
        select(AccessAudit).where(AccessAudit.route == "/api/tickets/{ticket_id}/language")
    ).all()
    assert {(row.subject_type, row.subject_id, row.method) for row in audited} == {
        (SubjectType.TICKET, ticket.id, "POST"),
        (SubjectType.TICKET, ticket.id, "GET"),
    }


def test_the_ticket_page_changes_the_language_and_shows_who_and_why(client, session, school, agent):
    ticket = family_ticket(session, school)
    token = sign_in_pages(client, session, agent)
    page = client.get(f"/tickets/{ticket.id}")
    assert f'action="/tickets/{ticket.id}/language"' in page.text
    assert escape("Also change the family's recorded language") in page.text
    done = post(
        client,
        token,
        f"/tickets/{ticket.id}/language",
        new_language="bn",
        language_reason="Dad asked at the school office for Bengali",
        also_family="yes",
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?done=language")
    page = client.get(done.headers["location"])
    assert "Language changed" in page.text
    assert "English to Bengali" in page.text and "Amina Agent" in page.text
    assert escape("Dad asked at the school office for Bengali") in page.text
    assert fresh(session, Family, ticket.family_id).preferred_language == "bn"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"new_language": "", "language_reason": "Asked"}, "new_language", "Choose a language"),
        ({"new_language": "pl", "language_reason": ""}, "language_reason", "Say why"),
        ({"new_language": "zz", "language_reason": "Asked"}, "new_language", "we serve"),
    ],
)
def test_a_bad_form_is_shown_again_with_the_problem_beside_its_field(
    client, session, school, agent, fields, field, message
):
    ticket = family_ticket(session, school)
    token = sign_in_pages(client, session, agent)
    failed = post(client, token, f"/tickets/{ticket.id}/language", **fields)
    assert failed.status_code == 400
    assert f'href="#{field}"' in failed.text and message in failed.text
    assert fresh(session, Ticket, ticket.id).language == "en"


def test_school_staff_see_the_history_but_no_form(client, session, school, agent):
    ticket = family_ticket(session, school)
    change(client, session, agent, ticket.id, language="ta", reason="Grandmother reads Tamil")
    teacher = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    sign_in_pages(client, session, teacher)
    page = client.get(f"/tickets/{ticket.id}")
    assert page.status_code == 200
    assert "Grandmother reads Tamil" in page.text
    assert f'action="/tickets/{ticket.id}/language"' not in page.text


def test_subject_access_exports_and_retention_removes_the_reasons(
    client, session, council, school, agent
):
    ticket = family_ticket(session, school)
    change(client, session, agent, ticket.id, language="ar", reason="Mother: Arabic please")
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    export = client.get(
        f"/api/privacy/subject-access/family/{ticket.family_id}", headers=bearer(session, officer)
    ).json()
    [row] = export["tables"]["ticket_language_change"]
    assert (row["to_language"], row["reason"]) == ("ar", "Mother: Arabic please")
    assert "staff_user_id" not in row  # staff are third parties
    retention.remove_ticket_text(session, [ticket.id])
    session.commit()
    [kept] = session.exec(select(TicketLanguageChange)).all()
    assert kept.reason == retention.REMOVED_TEXT and kept.to_language == "ar"
