"""A family whose texts are off is told so on the web, in their language, with how to turn
them on again; their new request is still confirmed on the page. Asking for a code says
texts may be off without ever saying whether the reference exists."""

import pytest
from sqlmodel import Session, select

from dfc.i18n import translations
from dfc.settings import get_settings
from dfc.web.csrf import CSRF_COOKIE
from notifications import consent
from notifications.models import Channel, MessageStatus, OutboxMessage
from support.models import Category, Ticket, Via
from support.references import display
from support.tickets import open_ticket
from tests.devices.factories import make_family
from tests.factories import make_council, make_school

OUR_NUMBER = "+447700900123"
OFF = (
    "Texts to your phone are off, because STOP was sent to us from it. We will not text you "
    "about this request: come back to this page to see our replies."
)


@pytest.fixture(autouse=True)
def our_number(monkeypatch):
    monkeypatch.setenv("TWILIO_FROM_NUMBER", OUR_NUMBER)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def opted_out_family(session: Session, language: str = "en"):
    family = make_family(session, school=make_school(session, council=make_council(session)),
                         language=language)  # fmt: skip
    consent.opt_out(session, family.phone_number, how="STOP", channel=Channel.SMS)
    session.commit()
    return family


def test_a_new_request_from_an_opted_out_phone_is_confirmed_on_the_page(client, session):
    family = opted_out_family(session)
    client.get("/help")
    posted = client.post(
        "/help",
        data={"csrf_token": client.cookies[CSRF_COOKIE], "category": "broken-screen",
              "message": "The screen is cracked and black", "phone_number": family.phone_number},
        follow_redirects=False,
    )  # fmt: skip
    assert posted.status_code == 303
    page = client.get(posted.headers["location"]).text
    ticket = session.exec(select(Ticket)).one()
    assert ticket.reference[:4] in page
    assert OFF in page and f"text START to {OUR_NUMBER}" in page
    assert "We have sent the reference to your phone." not in page
    confirmation = session.exec(select(OutboxMessage)).one()
    assert confirmation.status is MessageStatus.CANCELLED


def test_the_follow_page_tells_an_opted_out_family_in_their_language(client, session):
    family = opted_out_family(session, language="pl")
    opened = open_ticket(session, text="Laptop nie działa", via=Via.WEB,
                         category=Category.OTHER, phone=family.phone_number)  # fmt: skip
    session.commit()
    page = client.get(f"/help/t/{opened.access_token}?lang=pl").text
    polish = translations("pl").gettext
    assert polish(OFF) != OFF and polish(OFF) in page
    start = polish("To get our texts again, text START to %(number)s.") % {"number": OUR_NUMBER}
    assert start in page


def test_the_follow_page_says_nothing_of_texts_when_they_are_on(client, session):
    family = make_family(session, school=make_school(session, council=make_council(session)))
    opened = open_ticket(session, text="Laptop is broken", via=Via.WEB,
                         category=Category.OTHER, phone=family.phone_number)  # fmt: skip
    session.commit()
    assert OFF not in client.get(f"/help/t/{opened.access_token}").text


def test_the_code_page_says_how_to_turn_texts_on_whatever_the_reference(client, session):
    family = opted_out_family(session)
    opened = open_ticket(session, text="Laptop is broken", via=Via.WEB,
                         category=Category.OTHER, phone=family.phone_number)  # fmt: skip
    session.commit()
    pages = []
    for reference in (opened.ticket.reference, "ZZZZZZZZ"):
        client.get("/help/follow")
        page = client.post(
            "/help/follow",
            data={"csrf_token": client.cookies[CSRF_COOKIE], "reference": reference},
        ).text
        pages.append(page.replace(display(reference), "REF").replace(reference, "REF"))
    assert "No text?" in pages[0] and f"text START to {OUR_NUMBER}" in pages[0]
    assert pages[0] == pages[1], "the page is the same whether or not the reference exists"


def test_the_code_endpoint_says_texts_are_off_for_a_number_not_whether_a_reference_exists(
    client, session
):
    family = opted_out_family(session)
    opened = open_ticket(session, text="Laptop is broken", via=Via.WEB,
                         category=Category.OTHER, phone=family.phone_number)  # fmt: skip
    session.commit()
    answers = [
        client.post(
            "/api/support/codes", json={"reference": reference, "phone_number": family.phone_number}
        )
        for reference in (opened.ticket.reference, "ZZZZ-ZZZZ")
    ]
    assert [answer.status_code for answer in answers] == [202, 202]
    assert answers[0].json() == answers[1].json()
    assert answers[0].json()["texts_off"] is True
    assert "Texts to that number are off" in answers[0].json()["detail"]
    assert answers[0].json()["start_number"] == OUR_NUMBER
    other = client.post(
        "/api/support/codes", json={"reference": "ZZZZ-ZZZZ", "phone_number": "07700 900982"}
    ).json()
    assert other["texts_off"] is False
    without = [
        client.post("/api/support/codes", json={"reference": reference}).json()
        for reference in (opened.ticket.reference, "ZZZZ-ZZZZ")
    ]
    assert without[0] == without[1] and "text START to" in without[0]["detail"]
    assert without[0]["texts_off"] is None
