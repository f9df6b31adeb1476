"""Answers to a check-in, through Twilio's signed inbound webhook as families send them:
"no" in Somali opens a ticket on the device; "yes" in Polish or Arabic is thanked and opens
nothing; "help" joins the ticket the family already has open; STOP still stops texts, and
any other text still goes to the desk."""

import pytest
from sqlmodel import Session, select

from devices.check_in_scan import run_check_ins
from devices.models import CheckIn, CheckInAnswer
from notifications.models import OutboxMessage, SmsOptOut
from support.models import Ticket, TicketMessage, TicketStatus, Via
from support.tickets import receive_text
from tests.devices.check_in_setup import MORNING, SENDS_ON, family_with_laptop, make_check_in_date
from tests.support.test_text_consent import messages, text_in


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: SENDS_ON)


def asked(session: Session, council, school, *, language: str):
    make_check_in_date(session, council)
    family, device = family_with_laptop(session, school, language=language, tag="DFC-0042")
    run_check_ins(session, now=MORNING)
    session.commit()
    return family, device


def check_ins_of(session: Session, family) -> list[CheckIn]:
    session.expire_all()
    return list(session.exec(select(CheckIn).where(CheckIn.family_id == family.id)))


def test_no_in_somali_opens_a_ticket_on_the_device(client, session, twilio, council, school):
    family, device = asked(session, council, school, language="so")
    text_in(client, twilio, family.phone_number, "Maya")
    [check_in] = check_ins_of(session, family)
    assert check_in.answer is CheckInAnswer.NO
    ticket = session.exec(select(Ticket)).one()
    assert check_in.ticket_id == ticket.id
    assert ticket.device_id == device.id and ticket.language == "so"
    bodies = [(m.body, m.internal) for m in session.exec(select(TicketMessage))]
    assert ("Maya", False) in bodies
    assert any(internal and "no longer has the device" in body for body, internal in bodies)
    [received] = messages(session, "ticket-received")
    assert received.locale == "so"


@pytest.mark.parametrize(("language", "word"), [("pl", "Tak"), ("ar", "نعم"), ("tr", "EVET")])
def test_yes_in_their_language_is_thanked_and_opens_nothing(
    client, session, twilio, council, school, language, word
):
    family, _device = asked(session, council, school, language=language)
    text_in(client, twilio, family.phone_number, word)
    [check_in] = check_ins_of(session, family)
    assert check_in.answer is CheckInAnswer.YES
    assert session.exec(select(Ticket)).all() == []
    [thanks] = messages(session, "check-in-thanks")
    assert thanks.locale == language and thanks.recipient == family.phone_number
    assert messages(session, "texts-on") == []  # "yes" did not touch their consent


def test_help_joins_the_ticket_already_open(client, session, twilio, council, school):
    family, _device = asked(session, council, school, language="es")
    earlier = receive_text(
        session, phone=family.phone_number, text="El portátil no carga", via=Via.SMS
    )
    session.commit()
    text_in(client, twilio, family.phone_number, "ayuda")
    [check_in] = check_ins_of(session, family)
    assert check_in.answer is CheckInAnswer.HELP and check_in.ticket_id == earlier.id
    [ticket] = session.exec(select(Ticket)).all()
    assert ticket.status in (TicketStatus.NEW, TicketStatus.OPEN)
    assert "ayuda" in [m.body for m in session.exec(select(TicketMessage))]
    assert messages(session, "texts-help") == []  # a check-in answer, not the HELP keyword


def test_english_help_from_a_somali_family_is_a_check_in_answer(
    client, session, twilio, council, school
):
    family, _device = asked(session, council, school, language="so")
    text_in(client, twilio, family.phone_number, "HELP")
    [check_in] = check_ins_of(session, family)
    assert check_in.answer is CheckInAnswer.HELP
    assert session.exec(select(Ticket)).one().language == "so"


def test_stop_still_stops_texts_and_answers_nothing(client, session, twilio, council, school):
    family, _device = asked(session, council, school, language="so")
    text_in(client, twilio, family.phone_number, "STOP")
    assert session.get(SmsOptOut, family.phone_number) is not None
    [check_in] = check_ins_of(session, family)
    assert check_in.answer is None
    [off] = messages(session, "texts-off")
    assert off.locale == "so"


def test_a_replayed_answer_is_answered_once(client, session, twilio, council, school):
    family, _device = asked(session, council, school, language="so")
    form = text_in(client, twilio, family.phone_number, "Maya")
    text_in(client, twilio, family.phone_number, "Maya", MessageSid=form["MessageSid"])
    assert len(session.exec(select(Ticket)).all()) == 1
    assert len(session.exec(select(TicketMessage).where(TicketMessage.body == "Maya")).all()) == 1


def test_a_sentence_still_goes_to_the_desk_and_leaves_the_check_in_open(
    client, session, twilio, council, school
):
    family, _device = asked(session, council, school, language="en")
    text_in(client, twilio, family.phone_number, "Yes but the screen is cracked")
    [check_in] = check_ins_of(session, family)
    assert check_in.answer is None
    assert session.exec(select(Ticket)).one() is not None


def test_without_a_check_in_yes_is_an_ordinary_text(client, session, twilio, school):
    family, _device = family_with_laptop(session, school)
    text_in(client, twilio, family.phone_number, "yes")
    assert messages(session, "check-in-thanks") == []
    assert session.exec(select(OutboxMessage)).all() != []
