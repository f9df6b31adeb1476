"""Consent by text, as carriers expect: Twilio's opt-out words turn a family's texts off,
START (YES, UNSTOP) on again, HELP explains, each answered once in the family's language;
the history is kept. All through signed webhooks, as Twilio sends them."""

import itertools

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from notifications.consent import OPT_IN_WORDS, OPT_OUT_WORDS
from notifications.models import (
    Channel,
    ConsentChange,
    MessageStatus,
    OutboxMessage,
    SmsOptOut,
    TextConsentChange,
)
from support.models import Ticket, TicketMessage
from tests.devices.factories import make_family
from tests.factories import bearer, make_user
from tests.notifications.conftest import AUTH_TOKEN

INBOUND = "https://devices.example.org/api/twilio/inbound"
_sids = itertools.count(1)


def text_in(client, twilio, sender: str, body: str, **extra: str):
    form = {"From": sender, "Body": body, "MessageSid": f"SM{next(_sids):032d}", **extra}
    params, signature = twilio.signed_status_callback(INBOUND, AUTH_TOKEN, form)
    response = client.post(
        "/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200
    return form


def messages(session: Session, template: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(session.exec(select(OutboxMessage).where(OutboxMessage.template == template)))


def history(session: Session, phone: str) -> list[tuple[str, str, str | None]]:
    rows = session.exec(
        select(TextConsentChange)
        .where(TextConsentChange.phone_number == phone)
        .order_by(TextConsentChange.id)
    )
    return [(row.change.value, row.how, row.channel and row.channel.value) for row in rows]


def test_stop_then_start_then_a_new_ticket_is_confirmed_and_answered_again(
    client, session, twilio, school
):
    family = make_family(session, school=school, language="pl")
    phone = family.phone_number
    text_in(client, twilio, phone, "STOP")
    [off] = messages(session, "texts-off")
    assert off.locale == "pl" and off.status is not MessageStatus.CANCELLED
    assert "START" in off.body
    assert session.get(SmsOptOut, phone) is not None
    text_in(client, twilio, phone, "Start")
    [on] = messages(session, "texts-on")
    assert on.locale == "pl" and on.status is not MessageStatus.CANCELLED
    assert session.get(SmsOptOut, phone) is None
    assert session.exec(select(TicketMessage)).all() == []  # START is not a thread message
    text_in(client, twilio, phone, "Laptop mojego syna nie chce się włączyć, proszę o pomoc.")
    [received] = messages(session, "ticket-received")
    assert received.status is not MessageStatus.CANCELLED
    ticket = session.exec(select(Ticket)).one()
    agent = make_user(
        session, organisation=session.get(Organisation, school.council_id), role=Role.SUPPORT_AGENT
    )
    reply = client.post(
        f"/api/tickets/{ticket.id}/replies",
        headers=bearer(session, agent),
        json={"canned": "restart"},
    )
    assert reply.status_code == 201
    [canned] = messages(session, "canned-restart")
    assert canned.status is not MessageStatus.CANCELLED
    assert history(session, phone) == [("opted-out", "STOP", "sms"), ("opted-in", "START", "sms")]


def test_while_texts_are_off_a_new_ticket_gets_no_text(client, session, twilio, school):
    family = make_family(session, school=school)
    text_in(client, twilio, family.phone_number, "stop")
    text_in(client, twilio, family.phone_number, "My son's laptop screen is broken, please help")
    [received] = messages(session, "ticket-received")
    assert received.status is MessageStatus.CANCELLED


@pytest.mark.parametrize("word", sorted(OPT_OUT_WORDS))
def test_each_opt_out_word_turns_texts_off_and_is_recorded(client, session, twilio, word):
    phone = "+447911100001"
    text_in(client, twilio, phone, word)
    assert session.get(SmsOptOut, phone).how == word
    assert history(session, phone) == [("opted-out", word, "sms")]
    assert len(messages(session, "texts-off")) == 1
    assert session.exec(select(Ticket)).all() == []


@pytest.mark.parametrize("word", sorted(OPT_IN_WORDS))
def test_each_opt_in_word_turns_texts_on_again(client, session, twilio, word):
    phone = "+447911100002"
    text_in(client, twilio, phone, "STOP")
    text_in(client, twilio, phone, word)
    session.expire_all()
    assert session.get(SmsOptOut, phone) is None
    assert history(session, phone)[-1] == ("opted-in", word, "sms")
    assert len(messages(session, "texts-on")) == 1


@pytest.mark.parametrize(
    ("body", "word"),
    [
        (" stop ", "STOP"),
        ("Stop.", "STOP"),
        ("S T O P", "STOP"),
        ("stop all!", "STOPALL"),
        ("Opt-out", "OPTOUT"),
        ("\nQuit\n", "QUIT"),
        ("revoke!!", "REVOKE"),
    ],
)
def test_keywords_are_read_whatever_the_case_spaces_and_punctuation(
    client, session, twilio, body, word
):
    phone = "+447911100003"
    text_in(client, twilio, phone, body)
    assert session.get(SmsOptOut, phone).how == word


def test_a_sentence_with_stop_in_it_is_a_message_not_an_opt_out(client, session, twilio, school):
    family = make_family(session, school=school)
    text_in(client, twilio, family.phone_number, "Please stop the laptop restarting")
    assert session.get(SmsOptOut, family.phone_number) is None
    assert len(session.exec(select(TicketMessage)).all()) == 1


def test_help_is_answered_in_the_familys_language_and_opens_nothing(
    client, session, twilio, school
):
    family = make_family(session, school=school, language="cy")
    text_in(client, twilio, family.phone_number, "help?")
    [help_text] = messages(session, "texts-help")
    assert help_text.locale == "cy" and "STOP" in help_text.body and "START" in help_text.body
    assert help_text.body != (
        "Devices for Children: text us what is wrong with your child's laptop or dongle "
        "and we will reply. Reply STOP to stop texts, START to get them again."
    )
    assert session.exec(select(Ticket)).all() == []
    assert session.get(SmsOptOut, family.phone_number) is None


def test_yes_from_a_family_whose_texts_are_on_is_an_answer(client, session, twilio, school):
    family = make_family(session, school=school)
    text_in(client, twilio, family.phone_number, "My laptop will not switch on at all")
    text_in(client, twilio, family.phone_number, "Yes")
    assert len(session.exec(select(TicketMessage)).all()) == 2
    assert messages(session, "texts-on") == []


def test_a_whatsapp_opt_out_is_recorded_as_whatsapp_and_answered_there(
    client, session, twilio, school
):
    family = make_family(session, school=school, language="es")
    text_in(client, twilio, f"whatsapp:{family.phone_number}", "BAJA")  # not a keyword
    text_in(client, twilio, f"whatsapp:{family.phone_number}", "Stop")
    opted_out = session.get(SmsOptOut, family.phone_number)
    assert opted_out.channel is Channel.WHATSAPP
    [off] = messages(session, "texts-off")
    assert off.channel is Channel.WHATSAPP and off.locale == "es"
    # Texts are off on every channel to that number, not only WhatsApp.
    [received] = messages(session, "ticket-received")
    assert received.status is MessageStatus.CANCELLED  # STOP cancels what still waits
    text_in(client, twilio, family.phone_number, "The laptop is still broken, sorry")
    assert session.exec(select(TicketMessage)).all()[-1].via.value == "sms"


def test_when_twilio_has_answered_the_keyword_we_do_not_answer_again(client, session, twilio):
    phone = "+447911100004"
    text_in(client, twilio, phone, "STOP", OptOutType="STOP")
    text_in(client, twilio, phone, "START", OptOutType="START")
    text_in(client, twilio, phone, "HELP", OptOutType="HELP")
    assert session.exec(select(OutboxMessage)).all() == []
    assert [change for change, _how, _channel in history(session, phone)] == [
        ConsentChange.OPTED_OUT.value,
        ConsentChange.OPTED_IN.value,
    ]


def test_a_replayed_stop_is_recorded_and_answered_once(client, session, twilio):
    phone = "+447911100005"
    form = text_in(client, twilio, phone, "STOP")
    params, signature = twilio.signed_status_callback(INBOUND, AUTH_TOKEN, form)
    again = client.post(
        "/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert again.status_code == 200
    assert len(history(session, phone)) == 1
    assert len(messages(session, "texts-off")) == 1
