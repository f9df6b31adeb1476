"""Dongles on the staff pages: the allocate form says a paired dongle goes with its laptop,
the laptop's page shows its dongle and unpairs it, the dongle's page shows its SIM, data and
laptop."""

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from accounts.models import Role
from devices.models import Allocation, DataAllowance, DataUsage, Dongle, Sim
from devices.service import connectivity
from dfc.caller import Caller
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


def _add_reading(session: Session, sim: Sim, *, read_on: date, used_mb: int) -> None:
    session.add(DataUsage(sim_id=sim.id, read_on=read_on, used_mb=used_mb))
    session.commit()


def test_the_dongle_page_shows_its_sim_data_and_laptop(session, client):
    school, _token = _school_staff(session, client)
    laptop = make_device(session, holder=school)
    dongle, sim = make_dongle_with_sim(
        session,
        holder=school,
        device=laptop,
        contract_starts_on=today().replace(day=1),
        contract_ends_on=today() + timedelta(days=180),
        gb_per_month=Decimal(5),
    )
    sim.phone_number = "+447700900123"
    session.add(sim)
    session.commit()
    _add_reading(session, sim, read_on=today().replace(day=1), used_mb=1024)

    page = client.get(f"/dongles/{dongle.id}")
    assert page.status_code == 200
    text = page.text
    assert f"Dongle {dongle.imei}</h1>" in text
    link = f'<a class="govuk-link" href="/devices/{laptop.id}">Device {laptop.serial_number}</a>'
    assert link in text
    for shown in ("Three", sim.iccid, "+447700900123", "5 GB a month", "1,024 MB", "20% of"):
        assert shown in text, shown
    assert "None" not in text


def test_a_dongle_without_a_sim_or_laptop_says_not_recorded_never_none(session, client):
    school, _token = _school_staff(session, client)
    dongle = Dongle(imei="356938035643809", holder_id=school.id, received_on=date(2026, 1, 5))
    session.add(dongle)
    session.commit()
    page = client.get(f"/dongles/{dongle.id}")
    assert page.status_code == 200
    assert "No SIM is recorded for this dongle." in page.text
    assert "Not paired with a device" in page.text and "Not recorded" in page.text
    assert "None" not in page.text


def test_a_sim_without_number_allowance_or_reading_says_not_recorded(session, client):
    school, _token = _school_staff(session, client)
    dongle, sim = make_dongle_with_sim(session, holder=school)
    for allowance in session.exec(select(DataAllowance)).all():
        session.delete(allowance)
    session.commit()
    text = client.get(f"/dongles/{dongle.id}").text
    assert text.count("Not recorded") >= 4, "number, allowance, use and make and model"
    assert sim.iccid in text and "None" not in text


def test_another_schools_dongle_page_is_not_found(session, client):
    _school_staff(session, client)
    elsewhere = make_school(session, council=make_council(session))
    theirs, _sim = make_dongle_with_sim(session, holder=elsewhere)
    assert client.get(f"/dongles/{theirs.id}", headers={"Accept": "text/html"}).status_code == 404


def test_the_service_reads_todays_allowance_and_this_months_latest_reading(session):
    school = make_school(session, council=make_council(session))
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    caller = Caller.for_user(user, school)
    day = date(2026, 5, 20)
    dongle, sim = make_dongle_with_sim(
        session, holder=school, contract_starts_on=date(2026, 1, 1), gb_per_month=Decimal(3)
    )
    for gb, starts in ((10, day), (20, date(2026, 6, 1))):
        session.add(DataAllowance(sim_id=sim.id, gb_per_month=Decimal(gb), effective_from=starts))
    session.commit()
    _add_reading(session, sim, read_on=date(2026, 4, 30), used_mb=9000)
    _add_reading(session, sim, read_on=date(2026, 5, 2), used_mb=512)
    _add_reading(session, sim, read_on=date(2026, 5, 10), used_mb=2048)

    found = connectivity.dongle_now(session, caller=caller, dongle_id=dongle.id, today=day)
    (now,) = found.sims
    assert now.allowance.gb_per_month == Decimal(10)
    assert (now.reading.read_on, now.reading.used_mb) == (date(2026, 5, 10), 2048)
    assert now.percent_used == 20
    assert found.paired_serial_number is None
    later = connectivity.dongle_now(
        session, caller=caller, dongle_id=dongle.id, today=date(2026, 6, 1)
    )
    assert later.sims[0].reading is None and later.sims[0].percent_used is None
