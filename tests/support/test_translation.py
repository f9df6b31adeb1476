"""Both ways translated, through a LibreTranslate-compatible service (the local fake): a
family's Polish text shows its English beside it on the agent's page and in the API; an
agent's English reply is sent in Polish, through the real Twilio SDK, with the English kept
and marked as machine translated; when the service fails nothing is lost or sent
untranslated, and the agent is told."""

import re

from sqlmodel import Session, select

from dfc.settings import get_settings
from notifications import sending
from notifications.models import MessageStatus, OutboxMessage
from support.models import Author, Ticket, TicketMessage
from tests.devices.factories import make_family
from tests.factories import bearer, sign_in_pages
from tests.fakes.translate_server import DICTIONARY, marked
from tests.support.desk_helpers import POLISH, post, raise_ticket
from tests.support.test_text_consent import text_in

POLISH_IN_ENGLISH = DICTIONARY[("pl", "en", POLISH)]
REPLY = "Please bring the laptop to the school office tomorrow."
REPLY_IN_POLISH = DICTIONARY[("en", "pl", REPLY)]


def outbox(session: Session, template: str = "ticket-reply") -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.template == template)))


def family_messages(session: Session) -> list[TicketMessage]:
    session.expire_all()
    return list(
        session.exec(
            select(TicketMessage)
            .where(TicketMessage.author == Author.FAMILY)
            .order_by(TicketMessage.id)
        )
    )


def test_a_familys_polish_text_shows_its_english_beside_it_for_the_agent(
    client, session, twilio, translation, school, agent
):
    family = make_family(session, school=school, language="pl")
    text_in(client, twilio, family.phone_number, POLISH)
    assert translation.translations == [], "a text is stored at once, translated when read"
    ticket = session.exec(select(Ticket)).one()
    sign_in_pages(client, session, agent)

    page = client.get(f"/tickets/{ticket.id}").text
    assert re.search(rf'lang="pl" dir="auto">\s*{re.escape(POLISH)}\s*</p>', page)
    assert "English (machine translation)" in page
    assert re.search(rf'lang="en">\s*{re.escape(POLISH_IN_ENGLISH)}', page.replace("&#39;", "'"))
    [asked] = translation.translations
    assert asked.fields == {
        "q": POLISH,
        "source": "pl",
        "target": "en",
        "format": "text",
        "api_key": "test-translation-key",
    }
    [stored] = family_messages(session)
    assert (stored.body, stored.translated_text) == (POLISH, POLISH_IN_ENGLISH)
    assert (stored.translated_from, stored.translated_to, stored.translated_by) == (
        "pl",
        "en",
        "machine",
    )

    read = client.get(f"/api/tickets/{ticket.id}", headers=bearer(session, agent)).json()
    [message] = read["messages"]
    assert message["body"] == POLISH and message["translated_text"] == POLISH_IN_ENGLISH
    assert message["translated_by"] == "machine" and read["untranslated"] is None
    assert len(translation.translations) == 1, "kept: the service is asked once per text"


def test_an_agents_reply_is_sent_in_polish_through_twilio_with_the_english_kept(
    client, session, twilio, translation, school, agent
):
    family = make_family(session, school=school, language="pl")
    opened = client.post(
        "/api/support/tickets",
        json={"category": "broken-screen", "message": POLISH, "phone_number": family.phone_number},
    ).json()
    ticket = session.exec(select(Ticket)).one()
    token = sign_in_pages(client, session, agent)
    form = client.get(f"/tickets/{ticket.id}").text
    assert "machine translated into Polish" in form

    sent = post(client, token, f"/tickets/{ticket.id}/reply", text=REPLY)
    assert sent.status_code == 303
    [queued] = outbox(session)
    assert queued.body == f"{REPLY_IN_POLISH} ({opened['reference']})"
    assert sending.send_one(queued.id) is MessageStatus.SENT
    [texted] = [r for r in twilio.requests if r.method == "POST"][-1:]
    assert texted.form["To"] == family.phone_number
    assert texted.form["Body"] == f"{REPLY_IN_POLISH} ({opened['reference']})"

    page = client.get(sent.headers["location"]).text
    assert REPLY in page and REPLY_IN_POLISH in page
    assert "Sent in Polish (machine translated from the English above)" in page
    reply = session.exec(select(TicketMessage).where(TicketMessage.author == Author.AGENT)).one()
    assert (reply.body, reply.translated_text, reply.translated_by) == (
        REPLY,
        REPLY_IN_POLISH,
        "machine",
    )
    read = client.get(f"/api/tickets/{ticket.id}", headers=bearer(session, agent)).json()
    answer = read["messages"][-1]
    assert (answer["body"], answer["translated_text"]) == (REPLY, REPLY_IN_POLISH)
    assert (answer["translated_from"], answer["translated_to"]) == ("en", "pl")
    assert answer["translated_by"] == "machine"
    assert answer["translation_provider"] == translation.url.removeprefix("http://")

    family_view = client.get(opened["follow_url"].replace("/help/t/", "/api/support/follow/"))
    assert [m["body"] for m in family_view.json()["messages"]] == [POLISH, REPLY_IN_POLISH]
    assert REPLY_IN_POLISH in client.get(opened["follow_url"]).text


def test_a_reply_by_api_is_translated_and_marked(client, session, translation, school, agent):
    ticket = raise_ticket(session, school, POLISH, language="pl", phone=True)
    answer = client.post(
        f"/api/tickets/{ticket.id}/replies",
        headers=bearer(session, agent),
        json={"text": "We will ring you this afternoon."},
    )
    assert answer.status_code == 201
    body = answer.json()
    assert body["body"] == "We will ring you this afternoon."
    assert body["translated_text"] == marked("We will ring you this afternoon.", "pl")
    assert body["translated_by"] == "machine"
    [queued] = outbox(session)
    assert queued.body.startswith(marked("We will ring you this afternoon.", "pl"))


def test_internal_notes_are_never_translated(client, session, translation, school, agent):
    ticket = raise_ticket(session, school, POLISH, language="pl")
    note = client.post(
        f"/api/tickets/{ticket.id}/replies",
        headers=bearer(session, agent),
        json={"text": "Checked the device record", "internal": True},
    )
    assert note.status_code == 201 and note.json()["translated_text"] is None
    assert all(r.fields.get("source") != "en" for r in translation.translations)


def test_when_the_service_fails_a_reply_is_not_sent_and_the_agent_is_told(
    client, session, translation, school, agent
):
    ticket = raise_ticket(session, school, POLISH, language="pl", phone=True)
    token = sign_in_pages(client, session, agent)
    translation.down()
    failed = post(client, token, f"/tickets/{ticket.id}/reply", text=REPLY)
    assert failed.status_code == 400
    assert "Nothing was sent: the translation service" in failed.text
    assert "failed (HTTP 500)" in failed.text
    assert REPLY in failed.text, "the reply is kept in the form to try again"
    assert (
        session.exec(select(TicketMessage).where(TicketMessage.author == Author.AGENT)).all() == []
    )
    assert outbox(session) == []

    by_api = client.post(
        f"/api/tickets/{ticket.id}/replies", headers=bearer(session, agent), json={"text": REPLY}
    )
    assert by_api.status_code == 503
    assert by_api.json()["code"] == "translation-failed" and by_api.json()["field"] == "text"
    assert "send_as_written" in by_api.json()["detail"]

    deliberately = post(
        client, token, f"/tickets/{ticket.id}/reply", text=REPLY, send_as_written="yes"
    )
    assert deliberately.status_code == 303
    [queued] = outbox(session)
    assert queued.body.startswith(REPLY) and queued.locale == "pl"

    translation.up()
    again = post(client, token, f"/tickets/{ticket.id}/reply", text=REPLY)
    assert again.status_code == 303
    assert [m.body.split(" (")[0] for m in outbox(session)] == [REPLY, REPLY_IN_POLISH]


def test_when_the_service_is_slow_or_down_the_familys_text_is_kept_and_tried_again(
    client, session, twilio, translation, school, agent
):
    family = make_family(session, school=school, language="pl")
    text_in(client, twilio, family.phone_number, POLISH)
    ticket = session.exec(select(Ticket)).one()
    sign_in_pages(client, session, agent)

    translation.hang_next(3)  # longer than TRANSLATION_TIMEOUT_SECONDS
    page = client.get(f"/tickets/{ticket.id}")
    assert page.status_code == 200 and POLISH in page.text
    assert "No English translation yet" in page.text
    assert "did not answer within 1 seconds" in page.text
    assert family_messages(session)[0].translated_text is None

    translation.fail_next(status=403, error="Invalid API key")
    read = client.get(f"/api/tickets/{ticket.id}", headers=bearer(session, agent)).json()
    assert read["messages"][0]["body"] == POLISH and read["messages"][0]["translated_text"] is None
    assert "refused the key (check TRANSLATION_API_KEY): Invalid API key" in read["untranslated"]

    page = client.get(f"/tickets/{ticket.id}").text
    assert "English (machine translation)" in page and "No English translation yet" not in page
    assert family_messages(session)[0].translated_text == POLISH_IN_ENGLISH


def test_a_language_the_service_lacks_is_named_to_the_agent(
    client, session, translation, school, agent
):
    ticket = raise_ticket(session, school, "Laptop-ka ma shidayo, fadlan i caawi", language="so")
    ticket.language = "so"  # the fake, like many installations, has no Somali
    session.add(ticket)
    session.commit()
    refused = client.post(
        f"/api/tickets/{ticket.id}/replies",
        headers=bearer(session, agent),
        json={"text": "We will ring you."},
    )
    assert refused.status_code == 503
    assert "could not translate this into 'so': so is not supported" in refused.json()["detail"]


def test_a_missing_key_is_named_as_the_setting_to_fix(
    client, session, translation, monkeypatch, school, agent
):
    monkeypatch.setenv("TRANSLATION_API_KEY", "")
    get_settings.cache_clear()
    ticket = raise_ticket(session, school, POLISH, language="pl")
    refused = client.post(
        f"/api/tickets/{ticket.id}/replies", headers=bearer(session, agent), json={"text": REPLY}
    )
    assert refused.status_code == 503
    assert (
        "refused the key (check TRANSLATION_API_KEY): Please contact the server operator"
        in (refused.json()["detail"])
    )
    assert "api_key" not in translation.translations[0].fields
