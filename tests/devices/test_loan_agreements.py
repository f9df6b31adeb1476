"""A loan's agreement: the council's terms for its kind of loan (the default, translated, or
its own versions), accepted by a link texted to the family (here in Urdu, right to left) or
signed in person at school, printable in the family's language; a loan without an accepted
agreement is on the school's and the council's list."""

import re
from datetime import date

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.loan_terms import DEFAULT_TERMS
from dfc.i18n import translations
from notifications.models import OutboxMessage
from tests.devices.factories import make_allocation, make_device, make_family
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages

LINK = re.compile(r"/accept/([\w-]+)")


@pytest.fixture
def council(session: Session):
    return make_council(session)


@pytest.fixture
def school(session: Session, council):
    return make_school(session, council=council)


@pytest.fixture
def staff(session: Session, school):
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


def lend(session: Session, school, *, language: str = "en"):
    device = make_device(session, holder=school, cover_until=date(2029, 1, 1))
    family = make_family(session, school=school, language=language)
    return make_allocation(session, device=device, family=family), family


def texted_link(session: Session, family) -> tuple[OutboxMessage, str]:
    message = session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.recipient == family.phone_number,
            OutboxMessage.template == "loan-agreement-link",
        )
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, "no link was texted"
    return message, LINK.search(message.body).group(1)


def listed(client, staff, **query) -> list[int]:
    found = client.get("/api/loans", headers=staff, params=query)
    assert found.status_code == 200, found.text
    return [row["allocation_id"] for row in found.json()["items"]]


def test_a_family_agrees_to_the_loan_by_the_link_texted_to_them_in_urdu_right_to_left(
    client, session, staff, school
):
    loan, family = lend(session, school, language="ur")
    assert listed(client, staff, agreement="none") == [loan.id]
    asked = client.post(f"/api/loans/{loan.id}/agreement/link", headers=staff)
    assert asked.status_code == 201, asked.text
    assert (asked.json()["purpose"], asked.json()["terms"]) == ("loan", "loan-device-1")
    assert listed(client, staff, agreement="asked") == [loan.id]
    message, token = texted_link(session, family)
    urdu = translations("ur").gettext
    assert message.locale == "ur"
    assert "/accept/" in message.body and "please read and agree" not in message.body

    first = client.get(f"/accept/{token}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].endswith("?lang=ur")
    page = client.get(first.headers["location"])
    assert page.status_code == 200 and 'dir="rtl"' in page.text and 'lang="ur"' in page.text
    heading = urdu("Your child's laptop loan")
    assert heading != "Your child's laptop loan", "the Urdu catalogue lacks the page"
    assert heading in page.text and school.name in page.text
    for point in DEFAULT_TERMS["loan-device-1"]:
        assert urdu(point) in page.text and urdu(point) != point

    done = client.post(
        f"/accept/{token}", data={"csrf_token": client.cookies.get("dfc_csrf"), "choice": "accept"}
    )
    assert done.status_code == 200
    assert urdu("Thank you: you have agreed to the loan") in done.text
    agreement = client.get(f"/api/loans/{loan.id}/agreement", headers=staff).json()
    assert (agreement["answer"], agreement["method"]) == ("accepted", "link")
    assert listed(client, staff, agreement="none") == []
    assert listed(client, staff, agreement="accepted") == [loan.id]
    assert client.get(f"/accept/{token}?lang=en").status_code == 404


def test_staff_record_an_agreement_signed_in_person_with_their_name(client, session, school):
    loan, _family = lend(session, school)
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, user)
    page = client.get(f"/loans/{loan.id}")
    assert page.status_code == 200 and "Not accepted" in page.text
    url = f"/loans/{loan.id}/agreement/in-person"
    missing = client.post(url, data={"csrf_token": token, "witnessed_by": " "})
    assert missing.status_code == 422 and "Enter the name of the member of staff" in missing.text
    done = client.post(url, data={"csrf_token": token, "witnessed_by": "Ms Khan"})
    assert done.status_code == 200 and "seen by Ms Khan" in done.text
    assert "Text the family a link" not in done.text
    listing = client.get("/loans?agreement=none")
    assert listing.status_code == 200 and "No loans match" in listing.text


def test_a_family_without_texts_cannot_be_sent_a_link_and_is_told_to_sign_in_person(
    client, session, staff, school
):
    loan, family = lend(session, school)
    family.sms_consent = False
    session.add(family)
    session.commit()
    refused = client.post(f"/api/loans/{loan.id}/agreement/link", headers=staff)
    assert refused.status_code == 409 and "in person" in refused.json()["detail"]


def test_the_printed_agreement_is_in_the_familys_language_with_places_to_sign(
    client, session, school
):
    loan, family = lend(session, school, language="ur")
    sign_in_pages(client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    first = client.get(f"/loans/{loan.id}/agreement/print", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].endswith("?lang=ur")
    page = client.get(first.headers["location"])
    urdu = translations("ur").gettext
    assert page.status_code == 200 and 'dir="rtl"' in page.text
    assert urdu("Laptop loan agreement") in page.text and "@media print" in page.text
    assert urdu("Signed (parent or carer)") in page.text and family.pupil_reference in page.text


def test_a_councils_own_terms_are_versioned_and_each_agreement_keeps_its_words(
    client, session, council, school, staff
):
    officer = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    refused = client.post(
        "/api/loan-terms", headers=staff, json={"kind": "device", "body": "Be kind to it"}
    )
    assert refused.status_code == 403
    first = client.post(
        "/api/loan-terms", headers=officer, json={"kind": "device", "body": "Look after it\n\n"}
    )
    assert first.status_code == 201 and first.json()["version"] == 1
    loan, family = lend(session, school, language="ur")
    client.post(f"/api/loans/{loan.id}/agreement/link", headers=staff)
    _message, token = texted_link(session, family)
    second = client.post(
        "/api/loan-terms", headers=officer, json={"kind": "device", "body": "Bring it back"}
    )
    assert second.json()["version"] == 2
    page = client.get(f"/accept/{token}?lang=ur")
    assert "Look after it" in page.text and "Bring it back" not in page.text
    english_only = (
        "The council wrote these terms in English. "
        "Ask the school if you would like them explained in your language."
    )
    assert translations("ur").gettext(english_only) in page.text
    current = client.get("/api/loan-terms", headers=staff).json()
    assert {t["kind"]: t["version"] for t in current} == {"device": 2, "device-and-dongle": None}


def test_another_councils_staff_cannot_see_or_change_a_loan(client, session, school):
    loan, _family = lend(session, school)
    stranger = make_school(session, council=make_council(session))
    other = bearer(session, make_user(session, organisation=stranger, role=Role.SCHOOL_STAFF))
    assert client.get(f"/api/loans/{loan.id}", headers=other).status_code == 404
    put = client.put(f"/api/loans/{loan.id}/dates", headers=other, json={"review_on": None})
    assert put.status_code == 404
    assert client.post(f"/api/loans/{loan.id}/agreement/link", headers=other).status_code == 404
    assert listed(client, other) == []


def test_a_council_officer_saves_new_terms_on_the_page_and_school_staff_only_read_them(
    client, session, council, school
):
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    token = sign_in_pages(client, session, officer)
    page = client.get("/loan-terms")
    assert page.status_code == 200 and "service's default terms" in page.text
    empty = client.post("/loan-terms", data={"csrf_token": token, "kind": "device", "body": " "})
    assert empty.status_code == 422 and "Enter the terms, one point a line" in empty.text
    saved = client.post(
        "/loan-terms", data={"csrf_token": token, "kind": "device", "body": "Look after it"}
    )
    assert saved.status_code == 200 and "version 1" in saved.text
    client.cookies.clear()
    sign_in_pages(client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    read = client.get("/loan-terms")
    assert "Look after it" in read.text and "Save a new version" not in read.text
