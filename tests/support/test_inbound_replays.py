"""Twilio may deliver a webhook twice: one thread message per MessageSid, however it comes.
A webhook refused for its signature is logged loudly, with the URL that was checked."""

import logging

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation
from support import tickets
from support.models import Ticket, TicketMessage, Via
from tests.devices.factories import make_family
from tests.factories import make_council, make_school
from tests.notifications.conftest import AUTH_TOKEN

INBOUND = "https://devices.example.org/api/twilio/inbound"


@pytest.fixture
def school(session: Session) -> Organisation:
    return make_school(session, council=make_council(session), name="Kentish Town Primary")


def text_in(client, twilio, form: dict[str, str]):
    params, signature = twilio.signed_status_callback(INBOUND, AUTH_TOKEN, form)
    return client.post(
        "/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )


def test_a_replayed_text_answers_200_and_adds_nothing(client, session, twilio, school):
    family = make_family(session, school=school, language="en")
    first = {"From": family.phone_number, "Body": "The laptop is broken", "MessageSid": "SM1"}
    second = {"From": family.phone_number, "Body": "Still broken", "MessageSid": "SM2"}
    for form in (first, first, second, second, first):
        assert text_in(client, twilio, form).status_code == 200
    session.expire_all()
    assert len(session.exec(select(Ticket)).all()) == 1
    bodies = [message.body for message in session.exec(select(TicketMessage))]
    assert sorted(bodies) == ["Still broken", "The laptop is broken"]


def test_two_deliveries_at_once_still_make_one_message(session, school, monkeypatch):
    family = make_family(session, school=school, language="en")
    ticket = tickets.receive_text(
        session, phone=family.phone_number, text="Broken", via=Via.SMS, provider_sid="SM9"
    )
    # The second delivery looked before the first was written: the constraint decides.
    looked = []
    real_look = tickets.ticket_for_text

    def look_too_early(session, sid):
        looked.append(sid)
        return None if len(looked) == 1 else real_look(session, sid)

    monkeypatch.setattr(tickets, "ticket_for_text", look_too_early)
    again = tickets.receive_text(
        session, phone=family.phone_number, text="Broken", via=Via.SMS, provider_sid="SM9"
    )
    assert again.id == ticket.id and looked == ["SM9", "SM9"]
    assert len(session.exec(select(TicketMessage)).all()) == 1


def test_a_bad_signature_is_logged_with_the_url_checked_and_base_url(
    client, session, twilio, caplog
):
    with caplog.at_level(logging.WARNING):
        response = client.post(
            "/api/twilio/inbound",
            data={"From": "+447911123456", "Body": "Hello"},
            headers={"X-Twilio-Signature": "Zm9yZ2Vk"},
        )
    assert response.status_code == 403
    [record] = [r for r in caplog.records if "signature" in r.getMessage()]
    assert record.levelno == logging.WARNING
    assert INBOUND in record.getMessage() and "BASE_URL" in record.getMessage()
