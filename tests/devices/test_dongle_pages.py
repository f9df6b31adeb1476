"""Dongles on the staff pages: the allocate form says a paired dongle goes with its laptop,
the laptop's page shows its dongle and unpairs it, the dongle's page shows its SIM, data and
laptop."""

from sqlmodel import Session, select

from accounts.models import Role
from devices.models import Allocation, Dongle
from dfc.clock import today
from tests.devices.factories import make_device, make_dongle_with_sim, make_family
from tests.factories import make_council, make_school, make_user, sign_in_pages


def _school_staff(session: Session, client):
    school = make_school(session, council=make_council(session))
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    return school, sign_in_pages(client, session, user)


def _allocate_form(token, family, **changes):
    day = today()
    form = {
        "csrf_token": token,
        "family": "existing",
        "family_id": str(family.id),
        "collected": "true",
        "allocated_on-day": day.day,
        "allocated_on-month": day.month,
        "allocated_on-year": day.year,
    }
    return form | changes


def _fresh(session: Session, dongle: Dongle) -> Dongle:
    session.expire_all()
    return session.get(Dongle, dongle.id)


def test_the_allocate_page_says_the_paired_dongle_goes_with_the_laptop(session, client):
    school, token = _school_staff(session, client)
    laptop = make_device(session, holder=school)
    dongle, _sim = make_dongle_with_sim(session, holder=school, device=laptop)
    page = client.get(f"/devices/{laptop.id}/allocate")
    assert page.status_code == 200
    assert f'<a class="govuk-link" href="/dongles/{dongle.id}">{dongle.imei}</a>' in page.text
    assert "is paired with this device, so it goes to the family with it" in page.text
    assert 'name="dongle_id"' not in page.text, "nothing to choose: the dongle goes with it"

    family = make_family(session, school=school)
    response = client.post(
        f"/devices/{laptop.id}/allocate", data=_allocate_form(token, family), follow_redirects=False
    )
    assert response.status_code == 303, response.text
    allocation = session.exec(select(Allocation)).one()
    assert allocation.dongle_id == dongle.id
    assert _fresh(session, dongle).status.value == "with-family"


def test_the_allocate_page_offers_free_dongles_for_a_laptop_without_one(session, client):
    school, _token = _school_staff(session, client)
    laptop = make_device(session, holder=school)
    other_laptop = make_device(session, holder=school)
    free, _sim = make_dongle_with_sim(session, holder=school)
    taken, _sim = make_dongle_with_sim(session, holder=school, device=other_laptop)
    page = client.get(f"/devices/{laptop.id}/allocate").text
    assert f"Dongle {free.imei}" in page and f"Dongle {taken.imei}" not in page
    assert "No dongle: they have broadband" in page


def test_a_broken_paired_dongle_is_flagged_on_the_allocate_page(session, client):
    school, _token = _school_staff(session, client)
    laptop = make_device(session, holder=school)
    dongle, _sim = make_dongle_with_sim(session, holder=school, device=laptop)
    dongle.status = "faulty"
    session.add(dongle)
    session.commit()
    page = client.get(f"/devices/{laptop.id}/allocate").text
    assert "The dongle is faulty." in page and f'href="/devices/{laptop.id}#dongle"' in page


def test_the_laptop_page_shows_its_dongle_and_unpairs_it(session, client):
    school, token = _school_staff(session, client)
    laptop = make_device(session, holder=school)
    dongle, _sim = make_dongle_with_sim(session, holder=school, device=laptop)
    page = client.get(f"/devices/{laptop.id}")
    assert page.status_code == 200
    assert f'href="/dongles/{dongle.id}">Dongle {dongle.imei}</a>' in page.text
    action = f"/devices/{laptop.id}/dongles/{dongle.id}/unpair"
    assert f'action="{action}"' in page.text

    response = client.post(action, data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/devices/{laptop.id}?done=unpair-dongle"
    assert _fresh(session, dongle).paired_device_id is None
    page = client.get(response.headers["location"]).text
    assert "No dongle is paired with this device." in page
    assert "Dongle unpaired" in page, "the history says so"


def test_a_dongle_with_the_family_is_not_unpaired_and_the_page_says_why(session, client):
    school, token = _school_staff(session, client)
    laptop = make_device(session, holder=school)
    dongle, _sim = make_dongle_with_sim(session, holder=school, device=laptop)
    family = make_family(session, school=school)
    client.post(f"/devices/{laptop.id}/allocate", data=_allocate_form(token, family))
    page = client.get(f"/devices/{laptop.id}").text
    assert f"/dongles/{dongle.id}/unpair" not in page
    assert "Record the device's return before unpairing them." in page

    response = client.post(
        f"/devices/{laptop.id}/dongles/{dongle.id}/unpair", data={"csrf_token": token}
    )
    assert response.status_code == 409
    assert "There is a problem" in response.text and 'href="#unpair-dongle-form"' in response.text
    assert "record the device&#39;s return" in response.text
    assert _fresh(session, dongle).paired_device_id == laptop.id


def test_a_dongle_paired_with_another_laptop_is_not_unpaired_from_this_one(session, client):
    school, token = _school_staff(session, client)
    laptop, other = make_device(session, holder=school), make_device(session, holder=school)
    dongle, _sim = make_dongle_with_sim(session, holder=school, device=other)
    response = client.post(
        f"/devices/{laptop.id}/dongles/{dongle.id}/unpair", data={"csrf_token": token}
    )
    assert response.status_code == 409 and "not paired with this device" in response.text
    assert _fresh(session, dongle).paired_device_id == other.id
