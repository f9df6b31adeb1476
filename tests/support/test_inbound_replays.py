"""Twilio may deliver a webhook twice: one thread message per MessageSid, however it comes.
A webhook refused for its signature is logged loudly, with the URL that was checked."""

import asyncio
import logging
import time
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx
import pytest
from sqlmodel import Session, select

from accounts.models import Organisation
from support import tickets
from support.models import Ticket, TicketMessage, Via
from tests.devices.factories import make_family
from tests.factories import make_council, make_school
from tests.notifications.conftest import AUTH_TOKEN

INBOUND = "https://devices.example.org/api/twilio/inbound"
T = TypeVar("T")


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


def in_own_event_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs `coroutine` to the end on a fresh event loop in a thread of its own: this thread
    may already run one (the browser tests' Playwright keeps one going)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_a_slow_text_does_not_hold_up_other_requests(client, twilio, monkeypatch):
    """Reading a text blocks (the database; the language detector loads its models the
    first time): done on the event loop, every page and webhook would wait behind it."""
    from support.api import inbound as endpoint

    def slow_receive(*_args, **_kwargs):
        time.sleep(1.0)
        return []

    monkeypatch.setattr(endpoint, "receive", slow_receive)
    form = {"From": "+447700900123", "Body": "Broken", "MessageSid": "SM-slow"}
    params, signature = twilio.signed_status_callback(INBOUND, AUTH_TOKEN, form)

    async def text_and_health_check() -> list[tuple[str, int]]:
        finished: list[tuple[str, int]] = []
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:

            async def text() -> None:
                answer = await http.post(
                    "/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
                )
                finished.append(("text", answer.status_code))

            async def health() -> None:
                await asyncio.sleep(0.2)
                finished.append(("health", (await http.get("/healthz")).status_code))

            await asyncio.gather(text(), health())
        return finished

    assert in_own_event_loop(text_and_health_check()) == [("health", 200), ("text", 200)]


def test_a_client_that_hangs_up_mid_request_is_not_logged_as_an_error(client, caplog):
    """Twilio (or a phone) giving up before the whole form arrived: nothing to save and
    nobody to answer, so no 500 and no ERROR in the log."""
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/twilio/inbound",
        "raw_path": b"/api/twilio/inbound",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    with caplog.at_level(logging.INFO):
        in_own_event_loop(client.app(scope, receive, send))
    [start] = [message for message in sent if message["type"] == "http.response.start"]
    assert start["status"] == 400
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert "the client went away" in caplog.text
