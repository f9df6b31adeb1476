"""The support desk: a Polish text opens a ticket detected as Polish and is confirmed in
Polish through Twilio; a second text joins it; forged webhooks and guessed links get
nothing; agents reply, change status, assign and merge within their organisation."""

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from dfc.settings import get_settings
from notifications import sending
from notifications.models import Channel, OutboxMessage
from support.models import Ticket, TicketMessage, TicketStatus
from tests.devices.factories import make_family
from tests.factories import bearer, make_council, make_school, make_user
from tests.notifications.conftest import AUTH_TOKEN

INBOUND = "https://devices.example.org/api/twilio/inbound"
POLISH = "Dzień dobry, laptop mojego syna nie chce się włączyć. Co mam zrobić?"


@pytest.fixture
def school(session: Session) -> Organisation:
    return make_school(session, council=make_council(session), name="Kentish Town Primary")


def text_in(client, twilio, sender: str, body: str):
    params, signature = twilio.signed_status_callback(
        INBOUND, AUTH_TOKEN, {"From": sender, "Body": body}
    )
    return client.post(
        "/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )


def test_a_polish_text_opens_a_polish_ticket_confirmed_in_polish_through_twilio(
    client, session, twilio, school, monkeypatch
):
    monkeypatch.setenv("QUIET_HOURS_START", "0")
    monkeypatch.setenv("QUIET_HOURS_END", "0")
    from dfc.settings import get_settings

    get_settings.cache_clear()
    family = make_family(session, school=school, language="en")
    assert text_in(client, twilio, family.phone_number, POLISH).status_code == 200
    ticket = session.exec(select(Ticket)).one()
    assert (ticket.language, ticket.language_source) == ("pl", "detected")
    assert (ticket.family_id, ticket.organisation_id) == (family.id, school.id)
    confirmation = session.exec(select(OutboxMessage)).one()
    assert confirmation.locale == "pl" and ticket.reference[:4] in confirmation.body
    assert sending.send_one(confirmation.id) is not None
    assert twilio.requests[-1].form["Body"] == confirmation.body
    assert twilio.requests[-1].form["To"] == family.phone_number
    text_in(client, twilio, family.phone_number, "Nadal nie działa.")
    session.expire_all()
    assert len(session.exec(select(Ticket)).all()) == 1
    assert len(session.exec(select(TicketMessage)).all()) == 2


def test_a_forged_inbound_text_opens_nothing(client, session, twilio, school):
    response = client.post(
        "/api/twilio/inbound",
        data={"From": "+447911123456", "Body": POLISH},
        headers={"X-Twilio-Signature": "Zm9yZ2Vk"},
    )
    assert response.status_code == 403
    assert session.exec(select(Ticket)).all() == []


def test_the_web_form_gives_a_reference_and_a_private_link(client, session, school):
    family = make_family(session, school=school, language="ar")
    response = client.post(
        "/api/support/tickets",
        json={
            "category": "broken-screen",
            "message": "الشاشة مكسورة ولا يمكن لابني الدراسة",
            "phone_number": family.phone_number,
            "language": "ar",
        },
    )
    assert response.status_code == 201, response.text
    opened = response.json()
    reference = opened["reference"]
    assert len(reference) == 9 and not set(reference) & set("01OI")
    token = opened["follow_url"].rsplit("/", 1)[1]
    page = client.get(opened["follow_url"].removeprefix(get_settings().BASE_URL.rstrip("/")))
    assert page.status_code == 200 and opened["reference"][:4] in page.text  # the link works
    view = client.get(f"/api/support/follow/{token}").json()
    assert view["reference"] == reference and view["messages"][0]["author"] == "family"
    assert client.get("/api/support/follow/guessed-token").status_code == 404
    ticket = session.exec(select(Ticket)).one()
    assert ticket.language == "ar"


def test_bad_form_input_is_named(client):
    response = client.post(
        "/api/support/tickets", json={"category": "exploded", "message": "", "phone_number": "12"}
    )
    assert response.status_code == 422
    assert {p["field"] for p in response.json()["problems"]} == {
        "category",
        "message",
        "phone_number",
    }


def test_agents_work_their_own_queue_only(client, session, school, twilio):
    family = make_family(session, school=school, language="pl")
    opened = client.post(
        "/api/support/tickets",
        json={
            "category": "will-not-switch-on",
            "message": POLISH,
            "phone_number": family.phone_number,
        },
    ).json()
    council = session.get(Organisation, school.council_id)
    agent = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    headers = bearer(session, agent)
    queue = client.get("/api/tickets?language=pl", headers=headers).json()
    assert [t["reference"] for t in queue["items"]] == [opened["reference"].replace("-", "")]
    ticket_id = queue["items"][0]["id"]
    other_agent = make_user(session, organisation=make_council(session), role=Role.SUPPORT_AGENT)
    assert (
        client.get(f"/api/tickets/{ticket_id}", headers=bearer(session, other_agent)).status_code
        == 404
    )
    note = client.post(
        f"/api/tickets/{ticket_id}/replies",
        headers=headers,
        json={"text": "Checked the device record", "internal": True},
    )
    assert note.status_code == 201
    canned = client.post(
        f"/api/tickets/{ticket_id}/replies", headers=headers, json={"canned": "restart"}
    )
    assert canned.status_code == 201
    sent = session.exec(
        select(OutboxMessage).where(OutboxMessage.template == "canned-restart")
    ).one()
    assert sent.locale == "pl" and sent.channel is Channel.SMS
    assert "Checked the device record" not in str(session.exec(select(OutboxMessage.body)).all())
    state = client.post(
        f"/api/tickets/{ticket_id}/status", headers=headers, json={"status": "resolved"}
    ).json()
    assert state["status"] == TicketStatus.RESOLVED.value
    again = client.post(
        f"/api/tickets/{ticket_id}/status", headers=headers, json={"status": "waiting-on-family"}
    )
    assert again.status_code == 409


def test_a_duplicate_is_merged_into_the_ticket_it_repeats(client, session, school):
    council = session.get(Organisation, school.council_id)
    headers = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    first = client.post(
        "/api/support/tickets",
        json={"category": "other", "message": "Laptop is slow", "serial_number": "none"},
    ).json()
    del first
    family = make_family(session, school=school)
    ids = []
    for text in ("The laptop will not start", "Still will not start, same problem"):
        client.post(
            "/api/support/tickets",
            json={
                "category": "will-not-switch-on",
                "message": text,
                "phone_number": family.phone_number,
            },
        )
    ids = [t["id"] for t in client.get("/api/tickets", headers=headers).json()["items"]]
    assert len(ids) == 2
    kept = client.post(
        f"/api/tickets/{ids[1]}/merge", headers=headers, json={"into_ticket_id": ids[0]}
    ).json()
    assert kept["id"] == ids[0]
    thread = client.get(f"/api/tickets/{ids[0]}", headers=headers).json()["messages"]
    assert len(thread) == 2
    assert [t["id"] for t in client.get("/api/tickets", headers=headers).json()["items"]] == [
        ids[0]
    ]


def test_a_reference_and_a_texted_code_open_the_ticket_once(client, session, school):
    family = make_family(session, school=school)
    opened = client.post(
        "/api/support/tickets",
        json={
            "category": "locked-out",
            "message": "I forgot the password",
            "phone_number": family.phone_number,
        },
    ).json()
    reference = opened["reference"]
    for asked in (reference, "ZZZZ-ZZZZ"):
        answer = client.post("/api/support/codes", json={"reference": asked})
        assert answer.status_code == 202
    texted = session.exec(
        select(OutboxMessage).where(OutboxMessage.template == "ticket-follow-code")
    ).one()
    code = texted.body.split(" is ")[1][:6] if " is " in texted.body else ""
    assert code.isdigit(), texted.body
    wrong = client.post("/api/support/codes/check", json={"reference": reference, "code": "000000"})
    assert wrong.status_code == 404
    right = client.post(
        "/api/support/codes/check", json={"reference": reference.lower(), "code": code}
    )
    assert right.status_code == 200 and right.json()["reference"] == reference
    reused = client.post("/api/support/codes/check", json={"reference": reference, "code": code})
    assert reused.status_code == 404


def test_a_councils_point_of_contact_routes_its_tickets(client, session, school):
    council = session.get(Organisation, school.council_id)
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    saved = client.put(
        f"/api/councils/{council.id}/support-contacts",
        headers=officer,
        json={
            "category": "cannot-connect",
            "team": "supplier",
            "name": "Net Supplier Ltd",
            "phone": "0800 123 4567",
            "hours": "Mon-Fri 8am-8pm",
        },
    )
    assert saved.status_code == 200, saved.text
    family = make_family(session, school=school)
    client.post(
        "/api/support/tickets",
        json={
            "category": "cannot-connect",
            "message": "The dongle shows no signal",
            "phone_number": family.phone_number,
        },
    )
    client.post(
        "/api/support/tickets",
        json={
            "category": "broken-screen",
            "message": "The screen is cracked",
            "phone_number": family.phone_number,
        },
    )
    teams = {t.category.value: t.team.value for t in session.exec(select(Ticket))}
    assert teams == {"cannot-connect": "supplier", "broken-screen": "school-it"}
    other = make_council(session)
    assert (
        client.get(f"/api/councils/{other.id}/support-contacts", headers=officer).status_code == 404
    )


def test_an_agent_lists_the_languages_they_speak(client, session, school):
    council = session.get(Organisation, school.council_id)
    agent = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    headers = bearer(session, agent)
    saved = client.put(
        f"/api/users/{agent.id}/languages", headers=headers, json={"languages": ["pl", "ro", "pl"]}
    )
    assert saved.json() == {"languages": ["pl", "ro"]}
    bad = client.put(
        f"/api/users/{agent.id}/languages", headers=headers, json={"languages": ["de"]}
    )
    assert bad.status_code == 422 and bad.json()["field"] == "languages"
    family = make_family(session, school=school)  # links the tickets to this council
    for text in (POLISH, "The laptop will not switch on at all"):
        client.post(
            "/api/support/tickets",
            json={"category": "other", "message": text, "phone_number": family.phone_number},
        )
    mine = client.get("/api/tickets?my_languages=true", headers=headers).json()["items"]
    assert [ticket["language"] for ticket in mine] == ["pl"]
