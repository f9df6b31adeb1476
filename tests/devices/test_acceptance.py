"""A family accepting a device's handover: by a link texted to them (the terms in their
language, right to left for Arabic; the link works once, for 14 days, and a newer link
replaces it) or in person with the member of staff named; scoped like the device."""

import re
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.models import FamilyAcceptance
from devices.service import acceptance as service
from dfc.db_types import utcnow
from dfc.i18n import translations
from notifications.models import OutboxMessage
from tests.devices.factories import make_device, make_family
from tests.factories import bearer, make_council, make_school, make_user

LINK = re.compile(r"/accept/([\w-]+)")


@pytest.fixture
def school(session: Session):
    return make_school(session, council=make_council(session))


@pytest.fixture
def staff(session: Session, school):
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


@pytest.fixture
def device(session: Session, school):
    return make_device(session, holder=school)


def with_family(client, session, staff, school, device, **family):
    family = make_family(session, school=school, **family)
    response = client.post(
        "/api/allocations",
        headers=staff,
        json={"device_id": device.id, "family_id": family.id, "allocated_on": "2026-02-01"},
    )
    assert response.status_code == 201, response.text
    return family


def texted_link(session: Session, family) -> str:
    message = session.exec(
        select(OutboxMessage)
        .where(
            OutboxMessage.recipient == family.phone_number,
            OutboxMessage.template == "acceptance-link",
        )
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, "no link was texted"
    return LINK.search(message.body).group(1)


def answer(client, token: str, choice: str):
    page = client.get(f"/accept/{token}?lang=en")
    return client.post(
        f"/accept/{token}", data={"csrf_token": client.cookies.get("dfc_csrf"), "choice": choice}
    ), page


def test_a_family_accepts_by_the_link_texted_to_them_in_arabic_right_to_left(
    client, session, staff, school, device
):
    family = with_family(client, session, staff, school, device, language="ar")
    asked = client.post(f"/api/devices/{device.id}/acceptance/link", headers=staff)
    assert asked.status_code == 201, asked.text
    assert (asked.json()["method"], asked.json()["answer"]) == ("link", None)
    message = session.exec(select(OutboxMessage)).all()[-1]
    arabic = translations("ar").gettext
    assert message.locale == "ar" and "/accept/" in message.body
    token = texted_link(session, family)

    first = client.get(f"/accept/{token}", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].endswith("?lang=ar")
    page = client.get(first.headers["location"])
    assert page.status_code == 200
    assert 'dir="rtl"' in page.text
    heading = arabic("Your child's laptop")
    assert heading != "Your child's laptop", "the Arabic catalogue lacks the page"
    assert heading in page.text and school.name in page.text and device.model in page.text
    assert arabic("Yes, we accept the laptop") in page.text

    done = client.post(
        f"/accept/{token}", data={"csrf_token": client.cookies.get("dfc_csrf"), "choice": "accept"}
    )
    assert done.status_code == 200
    assert arabic("Thank you: the laptop is your family's") in done.text
    state = client.get(f"/api/devices/{device.id}/acceptance", headers=staff).json()
    assert (state["answer"], state["method"]) == ("accepted", "link")
    again = client.get(f"/accept/{token}?lang=en")
    assert again.status_code == 404 and "This link no longer works" in again.text


def test_a_family_may_decline_and_nothing_changes(client, session, staff, school, device):
    family = with_family(client, session, staff, school, device)
    client.post(f"/api/devices/{device.id}/acceptance/link", headers=staff)
    done, page = answer(client, texted_link(session, family), "decline")
    assert page.status_code == 200 and "Before you answer" in page.text
    assert done.status_code == 200 and "Thank you for your answer" in done.text
    state = client.get(f"/api/devices/{device.id}/acceptance", headers=staff).json()
    assert state["answer"] == "declined"


def test_a_newer_link_replaces_the_older_and_links_expire_after_14_days(
    client, session, staff, school, device
):
    family = with_family(client, session, staff, school, device)
    client.post(f"/api/devices/{device.id}/acceptance/link", headers=staff)
    older = texted_link(session, family)
    client.post(f"/api/devices/{device.id}/acceptance/link", headers=staff)
    newer = texted_link(session, family)
    assert older != newer
    assert client.get(f"/accept/{older}?lang=en").status_code == 404
    assert client.get(f"/accept/{newer}?lang=en").status_code == 200
    later = utcnow() + timedelta(days=15)
    assert service.open_link(session, newer, now=later) is None
    assert service.answer_link(session, newer, accepted=True, now=later) is None
    assert client.get("/accept/not-a-real-token?lang=en").status_code == 404


def test_acceptance_in_person_names_the_member_of_staff(client, session, staff, school, device):
    with_family(client, session, staff, school, device)
    url = f"/api/devices/{device.id}/acceptance/in-person"
    missing = client.post(url, headers=staff, json={"witnessed_by": ""})
    assert missing.status_code == 422 and "witnessed_by" in missing.text
    done = client.post(url, headers=staff, json={"witnessed_by": "Ms Khan, school office"})
    assert done.status_code == 201, done.text
    assert (done.json()["answer"], done.json()["witnessed_by"]) == (
        "accepted",
        "Ms Khan, school office",
    )
    assert session.exec(select(FamilyAcceptance)).one().method.value == "in-person"


def test_a_family_that_cannot_be_texted_is_asked_in_person(client, session, staff, school, device):
    family = with_family(client, session, staff, school, device)
    family.sms_consent = False
    session.add(family)
    session.commit()
    refused = client.post(f"/api/devices/{device.id}/acceptance/link", headers=staff)
    assert refused.status_code == 409 and "in person" in refused.json()["detail"]
    assert session.exec(select(FamilyAcceptance)).all() == []


def test_a_device_with_no_family_cannot_be_accepted(client, staff, device):
    refused = client.post(f"/api/devices/{device.id}/acceptance/link", headers=staff)
    assert refused.status_code == 409 and "allocate it first" in refused.json()["detail"]
    assert client.get(f"/api/devices/{device.id}/acceptance", headers=staff).status_code == 404


def test_another_councils_staff_get_404(client, session, staff, school, device):
    with_family(client, session, staff, school, device)
    other_school = make_school(session, council=make_council(session))
    other = bearer(session, make_user(session, organisation=other_school, role=Role.SCHOOL_STAFF))
    for path in ("acceptance/link", "acceptance/in-person"):
        response = client.post(
            f"/api/devices/{device.id}/{path}", headers=other, json={"witnessed_by": "X"}
        )
        assert response.status_code == 404
    assert client.get(f"/api/devices/{device.id}/acceptance", headers=other).status_code == 404
