"""School staff ask a family to accept a device from its page: a texted link, or their
acceptance in person with a name; the page shows where it stands."""

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.models import Allocation
from notifications.models import OutboxMessage
from tests.devices.factories import make_device, make_family
from tests.factories import make_council, make_school, make_user, sign_in_pages


@pytest.fixture
def school(session: Session):
    return make_school(session, council=make_council(session))


@pytest.fixture
def device_with_family(session: Session, school):
    device = make_device(session, holder=school)
    family = make_family(session, school=school, language="pl")
    session.add(
        Allocation(
            device_id=device.id,
            family_id=family.id,
            school_id=school.id,
            allocated_on=device.received_on,
        )
    )
    device.status = "with-family"
    session.add(device)
    session.commit()
    return device, family


def test_staff_text_a_link_then_see_it_waiting(client, session, school, device_with_family):
    device, family = device_with_family
    token = sign_in_pages(
        client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    )
    page = client.get(f"/devices/{device.id}")
    assert page.status_code == 200 and "Family's acceptance" in page.text
    assert "has not been asked" in page.text
    sent = client.post(f"/devices/{device.id}/acceptance/link", data={"csrf_token": token})
    assert sent.status_code == 200 and "A link to the terms has been texted" in sent.text
    assert "Waiting" in sent.text
    message = session.exec(
        select(OutboxMessage).where(OutboxMessage.template == "acceptance-link")
    ).one()
    assert (message.recipient, message.locale) == (family.phone_number, "pl")


def test_in_person_needs_a_name_and_then_shows_accepted(
    client, session, school, device_with_family
):
    device, _family = device_with_family
    token = sign_in_pages(
        client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    )
    url = f"/devices/{device.id}/acceptance/in-person"
    missing = client.post(url, data={"csrf_token": token, "witnessed_by": " "})
    assert missing.status_code == 422
    assert "Enter the name of the member of staff" in missing.text
    done = client.post(url, data={"csrf_token": token, "witnessed_by": "Mr Jones"})
    assert done.status_code == 200 and "Accepted" in done.text and "seen by Mr Jones" in done.text
    assert "Text the family a link" not in done.text
