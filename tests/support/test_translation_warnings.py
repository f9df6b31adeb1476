"""Without a translation service the agent is warned before sending that the family reads
another language, and a written reply goes only when they confirm it; a family that reads
English never costs a call to the service; the setting is checked at start-up; retention
removes translations with the text."""

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, User
from dfc.settings import SettingsError, get_settings
from notifications.models import OutboxMessage
from support.models import Author, TicketMessage
from support.retention import REMOVED_TEXT, remove_ticket_text
from tests.factories import bearer, make_council, make_school, sign_in_pages
from tests.support.desk_helpers import POLISH, make_agent, post, raise_ticket

WARNING = (
    "This family reads Polish; no translation service is set, so your reply will go in English"
)


@pytest.fixture
def school(session: Session) -> Organisation:
    return make_school(session, council=make_council(session), name="Kentish Town Primary")


@pytest.fixture
def agent(session: Session, school: Organisation) -> User:
    return make_agent(session, session.get(Organisation, school.council_id))


def agent_replies(session: Session) -> list[TicketMessage]:
    session.expire_all()
    return list(session.exec(select(TicketMessage).where(TicketMessage.author == Author.AGENT)))


def test_without_a_service_the_page_warns_before_sending_and_asks_to_confirm(
    client, session, school, agent
):
    ticket = raise_ticket(session, school, POLISH, language="pl", phone=True)
    token = sign_in_pages(client, session, agent)
    page = client.get(f"/tickets/{ticket.id}").text
    assert WARNING in page
    assert 'name="send_as_written"' in page
    assert "No English translation yet:" in page and "no translation service is set" in page

    refused = post(client, token, f"/tickets/{ticket.id}/reply", text="We will ring you.")
    assert refused.status_code == 400
    assert "This family reads Polish; no translation service is set" in refused.text
    assert 'href="#send_as_written"' in refused.text and "We will ring you." in refused.text
    assert agent_replies(session) == []

    confirmed = post(
        client,
        token,
        f"/tickets/{ticket.id}/reply",
        text="We will ring you.",
        send_as_written="yes",
    )
    assert confirmed.status_code == 303
    [reply] = agent_replies(session)
    assert reply.body == "We will ring you." and reply.translated_text is None
    sent = session.exec(select(OutboxMessage).where(OutboxMessage.template == "ticket-reply"))
    assert sent.one().body.startswith("We will ring you.")


def test_without_a_service_the_api_asks_to_confirm_by_name(client, session, school, agent):
    ticket = raise_ticket(session, school, POLISH, language="pl")
    headers = bearer(session, agent)
    refused = client.post(
        f"/api/tickets/{ticket.id}/replies", headers=headers, json={"text": "We will ring you."}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "send_as_written"
    assert refused.json()["detail"].startswith(
        "This family reads Polish; no translation service is set"
    )
    assert agent_replies(session) == []
    confirmed = client.post(
        f"/api/tickets/{ticket.id}/replies",
        headers=headers,
        json={"text": "We will ring you.", "send_as_written": True},
    )
    assert confirmed.status_code == 201 and confirmed.json()["translated_text"] is None
    canned = client.post(
        f"/api/tickets/{ticket.id}/replies", headers=headers, json={"canned": "restart"}
    )
    assert canned.status_code == 201, "a ready-made reply is in Polish already"


def test_an_english_family_costs_no_call_and_no_warning(
    client, session, translation, agent, school
):
    ticket = raise_ticket(session, school, "The laptop will not switch on", phone=True)
    token = sign_in_pages(client, session, agent)
    page = client.get(f"/tickets/{ticket.id}").text
    assert "no translation service" not in page and 'name="send_as_written"' not in page
    assert "machine translat" not in page
    assert post(client, token, f"/tickets/{ticket.id}/reply", text="On our way").status_code == 303
    assert (
        client.get(f"/api/tickets/{ticket.id}", headers=bearer(session, agent)).status_code == 200
    )
    assert translation.requests == []
    [reply] = agent_replies(session)
    assert reply.translated_text is None


def test_with_a_service_the_page_says_the_reply_is_translated(
    client, session, translation, agent, school
):
    ticket = raise_ticket(session, school, POLISH, language="pl")
    sign_in_pages(client, session, agent)
    page = client.get(f"/tickets/{ticket.id}").text
    assert WARNING not in page
    assert "Write in English: it is machine translated into Polish" in page


def test_retention_removes_the_translation_with_the_text(session, translation, school):
    from support.translation.service import fill_english

    ticket = raise_ticket(session, school, POLISH, language="pl")
    messages = list(session.exec(select(TicketMessage)))
    assert fill_english(session, ticket, messages) is None
    session.commit()
    remove_ticket_text(session, [ticket.id])
    session.commit()
    session.expire_all()
    [message] = session.exec(select(TicketMessage)).all()
    assert (message.body, message.translated_text) == (REMOVED_TEXT, None)
    assert fill_english(session, ticket, [message]) is None
    assert len(translation.translations) == 1, "removed text is not sent to be translated"


@pytest.mark.parametrize("value", ["translate.example.org", "ftp://translate.example.org"])
def test_a_translation_url_that_is_not_http_is_named(monkeypatch, value):
    monkeypatch.setenv("TRANSLATION_URL", value)
    get_settings.cache_clear()
    try:
        with pytest.raises(SettingsError, match="Setting TRANSLATION_URL is invalid"):
            get_settings()
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
