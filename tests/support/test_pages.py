"""The families' help pages: in every served language, right to left where it should be,
errors beside their fields, and a private link to follow the request."""

import re

import pytest
from sqlmodel import Session, select

from dfc.i18n import LANGUAGES
from dfc.web.csrf import CSRF_COOKIE
from support.models import Ticket

ENGLISH_ON_THE_FORM = [
    "Get help with a laptop or 4G dongle",
    "What is the problem?",
    "Tell us what is happening",
    "Mobile number (optional)",
    "It will not switch on",
    "It is on a sticker under the laptop.",
]


@pytest.mark.parametrize("language", LANGUAGES[1:], ids=lambda language: language.code)
def test_every_served_language_renders_the_form_with_no_english_left(client, language):
    page = client.get(f"/help?lang={language.code}").text
    direction = "rtl" if language.right_to_left else "ltr"
    assert f'<html lang="{language.code}" dir="{direction}"' in page
    left = [text for text in ENGLISH_ON_THE_FORM if text in page]
    assert left == [], f"untranslated on the {language.code} form: {left}"


def send(client, **fields):
    client.get("/help")
    return client.post("/help", data={"csrf_token": client.cookies[CSRF_COOKIE], **fields})


def test_a_form_with_mistakes_explains_each_beside_its_field(client, session: Session):
    response = send(client, message="", phone_number="12")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    for field in ("category", "message", "phone_number"):
        assert f'href="#{field}"' in response.text
    assert "Enter a mobile number, like 07700 900 982" in response.text
    assert session.exec(select(Ticket)).all() == []


def test_an_arabic_request_is_saved_and_followed_by_its_private_link(client, session):
    client.get("/help?lang=ar")
    response = send(
        client, category="broken-screen", message="الشاشة مكسورة ولا يمكن لابني الدراسة"
    )
    assert response.status_code == 200, response.text
    reference = re.search(r"<strong>([A-Z2-9]{4}-[A-Z2-9]{4})</strong>", response.text)[1]
    link = re.search(r'href="(/help/t/[^"]+)"', response.text)[1]
    ticket = session.exec(select(Ticket)).one()
    assert (ticket.language, ticket.reference) == ("ar", reference.replace("-", ""))
    follow = client.get(link)
    assert follow.status_code == 200
    assert 'dir="rtl"' in follow.text and reference in follow.text
    assert "الشاشة مكسورة" in follow.text
    guessed = client.get("/help/t/guessed", headers={"Accept": "text/html"})
    assert guessed.status_code == 404


def test_the_follow_page_says_whom_to_contact_in_the_familys_language(client, session):
    from accounts.models import Organisation
    from support.models import Category, SupportContact, Team
    from tests.devices.factories import make_family
    from tests.factories import make_council, make_school

    council = make_council(session)
    school = make_school(session, council=council)
    session.add(
        SupportContact(
            organisation_id=council.id,
            category=Category.CANNOT_CONNECT,
            team=Team.SUPPLIER,
            name="Net Supplier Ltd",
            phone="0800 123 4567",
            hours="Mon-Fri 8am-8pm",
        )
    )
    session.commit()
    family = make_family(session, school=school, language="pl")
    client.get("/help?lang=pl")
    sent = send(
        client,
        category="cannot-connect",
        message="Modem nie łączy się z internetem",
        phone_number=family.phone_number,
    )
    link = re.search(r'href="(/help/t/[^"]+)"', sent.text)[1]
    page = client.get(link).text
    assert "Z kim się skontaktować w tej sprawie" in page
    assert "Net Supplier Ltd" in page and 'href="tel:08001234567"' in page
    assert session.get(Organisation, council.id) is not None


def test_refreshing_the_confirmation_shows_it_again_and_makes_no_second_ticket(client, session):
    client.get("/help")
    posted = client.post(
        "/help",
        data={"csrf_token": client.cookies[CSRF_COOKIE], "category": "broken-screen",
              "message": "The dongle shows no signal at all"},
        follow_redirects=False,
    )  # fmt: skip
    assert posted.status_code == 303
    confirmation = posted.headers["location"]
    assert confirmation.startswith("/help/sent/")
    for _ in range(2):  # the family refreshes the page
        again = client.get(confirmation)
        assert again.status_code == 200 and "Your reference is" in again.text
    assert len(session.exec(select(Ticket)).all()) == 1
    assert client.get("/help/sent/not-a-real-token").status_code == 404


def test_the_code_page_reopened_starts_again_from_the_reference(client):
    reopened = client.get("/help/follow/code", follow_redirects=False)
    assert (reopened.status_code, reopened.headers["location"]) == (303, "/help/follow")
    assert client.get("/help/follow/code").status_code == 200
