"""Councils and schools set whom their families contact, on staff pages and through the API;
one rule decides who answers (the school's own contact, else its council's, else the desk's
team), and the families' help pages show it: the phone to tap, the email, the hours."""

import re

import pytest
from sqlmodel import select

from accounts.models import Role
from accounts.organisations import ensure_scheme
from support import contacts
from support.models import Category, SupportContact, Team, Ticket
from support.routing import route
from support.schemas import ContactIn
from support.tickets import open_ticket
from tests.factories import bearer, make_school, make_user, sign_in_pages

HTML = {"Accept": "text/html"}


def set_contact(session, organisation, category, **details) -> SupportContact:
    contact = contacts.set_contact(
        session,
        organisation=organisation,
        category=category,
        details=ContactIn(**{"team": Team.COUNCIL_HELPDESK} | details),
    )
    session.commit()
    return contact


def save_form(client, token, organisation, category, **fields):
    values = {"team": "", "name": "", "phone": "", "email": "", "hours": ""} | fields
    return client.post(
        f"/contacts/{organisation.id}/{category}",
        data={"csrf_token": token, **values},
        follow_redirects=False,
    )


def answers_on_help_page(client, school) -> dict[str, str]:
    page = client.get(f"/help/contacts?school={school.id}").text
    rows = re.findall(
        r'<dt class="govuk-summary-list__key">\s*(.*?)\s*</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>',
        page,
        re.S,
    )
    return {key: re.sub(r"\s+", " ", value) for key, value in rows}


# The rule


def test_a_schools_own_contact_comes_before_its_councils_then_the_desks_team(
    session, council, school
):
    set_contact(session, council, Category.BROKEN_SCREEN, name="Camden IT", phone="020 7974 4444")
    set_contact(session, council, Category.CANNOT_CONNECT, team=Team.SUPPLIER, phone="0800 1")
    set_contact(session, school, Category.BROKEN_SCREEN, team=Team.SCHOOL_IT, phone="020 7485 1111")
    lines = {line.category: line for line in contacts.whom_to_contact(session, school.id)}
    assert lines[Category.BROKEN_SCREEN].contact.phone == "020 7485 1111"
    assert lines[Category.BROKEN_SCREEN].team is Team.SCHOOL_IT
    assert lines[Category.CANNOT_CONNECT].contact.phone == "0800 1"
    assert (lines[Category.OTHER].team, lines[Category.OTHER].contact) == (Team.SCHOOL_IT, None)
    other = make_school(session, council=council)  # another of the council's schools
    assert contacts.answer_for(session, other.id, Category.BROKEN_SCREEN).contact.name == (
        "Camden IT"
    )
    # Tickets are routed by the same rule.
    assert route(session, other.id, Category.CANNOT_CONNECT) is Team.SUPPLIER
    assert route(session, other.id, Category.BROKEN_SCREEN) is Team.COUNCIL_HELPDESK
    assert route(session, school.id, Category.BROKEN_SCREEN) is Team.SCHOOL_IT


def test_a_contact_needs_a_phone_number_or_an_email_address(session, school):
    with pytest.raises(Exception, match="phone number or an email address"):
        set_contact(session, school, Category.OTHER, name="Office", hours="9 to 5")
    with pytest.raises(ValueError):
        ContactIn(team=Team.SCHOOL_IT, phone="call us")
    blank = ContactIn(team=Team.SCHOOL_IT, name=" ", email="office@school.example", hours="")
    assert (blank.name, blank.hours) == (None, None), "blanks stay blank"


# Staff pages


def test_a_council_officer_sets_a_contact_and_a_family_sees_the_phone_number(
    client, session, council, school
):
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    token = sign_in_pages(client, session, officer)
    assert 'href="/contacts"' in client.get("/").text, "in the staff navigation"
    mine = client.get("/contacts", follow_redirects=False)
    assert (mine.status_code, mine.headers["location"]) == (303, f"/contacts/{council.id}")
    form = client.get(f"/contacts/{council.id}/cannot-connect")
    assert form.status_code == 200 and 'name="phone"' in form.text
    saved = save_form(
        client,
        token,
        council,
        "cannot-connect",
        team="council-helpdesk",
        name="Camden IT helpdesk",
        phone="020 7974 4444",
        email="it.help@camden.example",
        hours="Mon to Fri 8am to 6pm",
    )
    assert (saved.status_code, saved.headers["location"]) == (
        303,
        f"/contacts/{council.id}?done=saved",
    )
    listed = client.get(saved.headers["location"]).text
    assert "Contact saved" in listed and "020 7974 4444" in listed
    client.cookies.clear()  # the family, not signed in
    answer = answers_on_help_page(client, school)["It cannot connect to the internet"]
    assert '<a class="govuk-link" href="tel:02079744444" dir="ltr">020 7974 4444</a>' in answer
    assert 'href="mailto:it.help@camden.example"' in answer
    assert "Mon to Fri 8am to 6pm" in answer and "Camden IT helpdesk" in answer
    assert "None" not in answer


def test_school_staff_set_their_schools_own_contact_which_overrides_the_councils(
    client, session, council, school
):
    set_contact(session, council, Category.BROKEN_SCREEN, name="Camden IT", phone="020 7974 4444")
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, staff)
    page = client.get("/contacts", follow_redirects=True)
    assert page.status_code == 200 and "Kentish Town Primary" in page.text
    assert "the council&#39;s contact, Camden IT" in page.text
    saved = save_form(
        client, token, school, "broken-screen", team="school-it", phone="020 7485 1111"
    )
    assert saved.status_code == 303
    # Their council's page is not theirs to change, nor another school's.
    assert client.get(f"/contacts/{council.id}", headers=HTML).status_code == 404
    other = make_school(session, council=council)
    assert client.get(f"/contacts/{other.id}", headers=HTML).status_code == 404
    client.cookies.clear()
    answer = answers_on_help_page(client, school)["The screen is broken"]
    assert 'href="tel:02074851111"' in answer and "Camden IT" not in answer
    assert answer.startswith("Your child&#39;s school"), "no name: the team is named"
    still = answers_on_help_page(client, other)["The screen is broken"]
    assert "Camden IT" in still and 'href="tel:02079744444"' in still


def test_a_form_with_mistakes_says_what_to_fix_beside_each_field_and_keeps_the_answers(
    client, session, council
):
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    token = sign_in_pages(client, session, officer)
    wrong = save_form(
        client, token, council, "other", team="council-helpdesk", phone="ring us", email="nope"
    )
    assert wrong.status_code == 400
    assert 'href="#phone"' in wrong.text and 'id="phone-error"' in wrong.text
    assert 'id="email-error"' in wrong.text and 'value="ring us"' in wrong.text
    name_box = re.search(r'<input[^>]*id="name"[^>]*>', wrong.text)[0]
    assert "value=" not in name_box, "a blank stays blank"
    assert "None" not in wrong.text
    neither = save_form(client, token, council, "other", team="council-helpdesk", hours="9-5")
    assert neither.status_code == 400 and 'id="phone-error"' in neither.text
    assert "phone number or an email address" in neither.text
    assert session.exec(select(SupportContact)).all() == []


def test_leaving_every_detail_blank_removes_the_contact(client, session, council):
    set_contact(session, council, Category.OTHER, phone="020 7974 4444")
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    token = sign_in_pages(client, session, officer)
    form = client.get(f"/contacts/{council.id}/other").text
    assert 'value="020 7974 4444"' in form
    removed = save_form(client, token, council, "other", team="council-helpdesk")
    assert removed.headers["location"] == f"/contacts/{council.id}?done=removed"
    assert session.exec(select(SupportContact)).all() == []


def test_support_agents_do_not_set_contacts(client, session, council):
    agent = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    sign_in_pages(client, session, agent)
    assert client.get(f"/contacts/{council.id}", headers=HTML).status_code == 403


# The API agrees


def test_the_api_sets_a_schools_own_contact_and_answers_by_the_same_rule(
    client, session, council, school
):
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    teacher = bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    body = {"category": "locked-out", "team": "council-helpdesk", "phone": "020 7974 4444"}
    assert (
        client.put(
            f"/api/councils/{council.id}/support-contacts", headers=officer, json=body
        ).status_code
        == 200
    )
    refused = client.put(f"/api/councils/{council.id}/support-contacts", headers=teacher, json=body)
    assert refused.status_code == 404, "a school's staff do not reach their council"
    own = {"category": "locked-out", "team": "school-it", "email": "office@ktp.example"}
    saved = client.put(f"/api/schools/{school.id}/support-contacts", headers=teacher, json=own)
    assert saved.status_code == 200, saved.text
    assert saved.json()["name"] is None and saved.json()["phone"] is None
    lines = client.get(f"/api/schools/{school.id}/whom-to-contact", headers=officer).json()
    locked = next(line for line in lines if line["category"] == "locked-out")
    assert locked == {
        "category": "locked-out",
        "team": "school-it",
        "set_by_organisation_id": school.id,
        "name": None,
        "phone": None,
        "email": "office@ktp.example",
        "hours": None,
    }
    opened = open_ticket(
        session,
        text="Locked out",
        via="web",
        category=Category.LOCKED_OUT,
        organisation_id=school.id,
    )
    session.commit()
    assert session.get(Ticket, opened.ticket.id).team is Team.SCHOOL_IT
    gone = client.delete(f"/api/schools/{school.id}/support-contacts/locked-out", headers=teacher)
    assert gone.status_code == 204
    lines = client.get(f"/api/schools/{school.id}/whom-to-contact", headers=teacher).json()
    locked = next(line for line in lines if line["category"] == "locked-out")
    assert (locked["set_by_organisation_id"], locked["phone"]) == (council.id, "020 7974 4444")
    nothing = client.put(
        f"/api/schools/{school.id}/support-contacts",
        headers=teacher,
        json={"category": "other", "team": "school-it", "name": "Office"},
    )
    assert nothing.status_code == 422 and nothing.json()["field"] == "phone"


def test_a_council_sees_which_schools_set_their_own_and_an_admin_chooses_a_council(
    client, session, council, school
):
    set_contact(session, school, Category.OTHER, team=Team.SCHOOL_IT, phone="020 7485 1111")
    make_school(session, council=council, name="Argyle Primary")  # none of its own
    scheme = ensure_scheme(session)
    session.commit()
    admin = make_user(session, organisation=scheme, role=Role.SCHEME_ADMIN)
    sign_in_pages(client, session, admin)
    chooser = client.get("/contacts")
    assert chooser.status_code == 200
    assert f'href="/contacts/{council.id}">Camden</a>' in chooser.text
    page = client.get(f"/contacts/{council.id}").text
    assert f'href="/contacts/{school.id}">Kentish Town Primary</a>: 1 problem' in page
    assert "Argyle Primary" not in page
    assert client.get(f"/contacts/{school.id}").status_code == 200
