"""School staff's register pages through the real app: stock, a device and its actions,
allocating to a new or existing family, and each family's allocations."""

import re

from sqlmodel import select

from accounts.models import Role
from devices.models import Allocation, Device, DeviceStatus, Family
from dfc.clock import today
from tests.devices.factories import make_device, make_dongle_with_sim, make_family
from tests.factories import make_council, make_school, make_user, sign_in_pages

HTML = {"Accept": "text/html"}


def _school_staff(session, client):
    council = make_council(session)
    school = make_school(session, council=council)
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, user)
    return school, token


def _date_fields(prefix, day):
    return {f"{prefix}-day": day.day, f"{prefix}-month": day.month, f"{prefix}-year": day.year}


def _new_family_form(token, **changes):
    form = {
        "csrf_token": token,
        "family": "new",
        "pupil_reference": "8C-101",
        "year_group": "8",
        "phone_number": "07911 123 456",
        "preferred_language": "ar",
        "sms_consent": "true",
        "home_broadband": "false",
        "collected": "true",
        **_date_fields("allocated_on", today()),
    }
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_the_device_list_shows_stock_by_status_and_only_the_schools_devices(session, client):
    school, _token = _school_staff(session, client)
    mine = make_device(session, holder=school)
    other_school = make_school(session, council=make_council(session))
    theirs = make_device(session, holder=other_school)
    page = client.get("/devices").text
    assert mine.serial_number in page and theirs.serial_number not in page
    in_stock = re.search(r"status=in-stock\">In stock</a></th>\s*<td[^>]*>(\d+)</td>", page)
    assert in_stock and in_stock.group(1) == "1"


def test_filters_and_sort_are_kept_in_the_url_and_csv_has_every_matching_row(session, client):
    school, _token = _school_staff(session, client)
    devices = [make_device(session, holder=school) for _ in range(3)]
    devices[0].status = DeviceStatus.IN_REPAIR
    session.add(devices[0])
    session.commit()
    page = client.get("/devices?status=in-stock&sort=-serial_number").text
    assert devices[0].serial_number not in page
    assert page.index(devices[2].serial_number) < page.index(devices[1].serial_number)
    assert 'href="/devices?status=in-stock&amp;sort=serial_number"' in page
    rows = client.get("/devices?status=in-stock&format=csv").text.strip().splitlines()
    expected = session.exec(
        select(Device.serial_number).where(
            Device.holder_id == school.id, Device.status == DeviceStatus.IN_STOCK
        )
    ).all()
    assert sorted(row.split(",")[1] for row in rows[1:]) == sorted(expected)


def test_another_schools_device_is_not_found(session, client):
    _school, _token = _school_staff(session, client)
    other = make_device(session, holder=make_school(session, council=make_council(session)))
    assert client.get(f"/devices/{other.id}", headers=HTML).status_code == 404
    assert client.get(f"/devices/{other.id}/allocate", headers=HTML).status_code == 404


def test_allocating_to_a_new_family_saves_both_and_shows_it_in_their_allocations(session, client):
    school, token = _school_staff(session, client)
    device = make_device(session, holder=school)
    dongle, _sim = make_dongle_with_sim(session, holder=school)
    form = _new_family_form(token, dongle_id=str(dongle.id))
    response = client.post(f"/devices/{device.id}/allocate", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    family = session.exec(select(Family).where(Family.pupil_reference == "8C-101")).one()
    assert (family.phone_number, family.preferred_language) == ("+447911123456", "ar")
    assert response.headers["location"] == f"/families/{family.id}?done=allocated"
    page = client.get(response.headers["location"]).text
    assert device.serial_number in page and "Still with the family" in page
    session.refresh(device)
    assert device.status is DeviceStatus.WITH_FAMILY


def test_a_wrong_phone_number_and_language_are_explained_beside_their_fields_and_nothing_is_saved(
    session, client
):
    school, token = _school_staff(session, client)
    device = make_device(session, holder=school)
    form = _new_family_form(token, phone_number="12345", preferred_language="xx")
    response = client.post(f"/devices/{device.id}/allocate", data=form)
    assert response.status_code == 400
    page = response.text
    assert '<h2 class="govuk-error-summary__title">' in page
    assert 'href="#phone_number"' in page and 'href="#preferred_language"' in page
    assert 'id="phone_number-error"' in page and "Enter a UK mobile number" in page
    assert 'id="preferred_language-error"' in page
    assert 'value="8C-101"' in page, "what was entered is kept"
    assert session.exec(select(Family)).all() == []
    assert session.exec(select(Allocation)).all() == []


def test_a_refused_allocation_saves_no_new_family(session, client):
    school, token = _school_staff(session, client)
    device = make_device(session, holder=school)
    family = make_family(session, school=school)
    dongle, _sim = make_dongle_with_sim(session, holder=school)
    first = client.post(
        f"/devices/{device.id}/allocate",
        data={
            "csrf_token": token,
            "family": "existing",
            "family_id": str(family.id),
            "dongle_id": str(dongle.id),
            "collected": "true",
            **_date_fields("allocated_on", today()),
        },
        follow_redirects=False,
    )
    assert first.status_code == 303
    second = make_device(session, holder=school)
    response = client.post(
        f"/devices/{second.id}/allocate",
        data=_new_family_form(token, dongle_id=str(dongle.id)),
        follow_redirects=False,
    )
    assert response.status_code == 409
    assert "There is a problem" in response.text and f"Dongle {dongle.imei}" in response.text
    assert session.exec(select(Family).where(Family.pupil_reference == "8C-101")).first() is None


def test_a_date_in_the_future_or_not_real_is_refused(session, client):
    school, token = _school_staff(session, client)
    device = make_device(session, holder=school)
    form = _new_family_form(token, **{"allocated_on-day": "31", "allocated_on-month": "2"})
    response = client.post(f"/devices/{device.id}/allocate", data=form)
    assert response.status_code == 400 and "The date must be a real date" in response.text


def test_return_repair_loss_and_handover_from_the_device_page(session, client):
    school, token = _school_staff(session, client)
    device = make_device(session, holder=school)
    family = make_family(session, school=school)
    on = _date_fields
    client.post(
        f"/devices/{device.id}/allocate",
        data={
            "csrf_token": token,
            "family": "existing",
            "family_id": str(family.id),
            "collected": "true",
            **on("allocated_on", today()),
        },
    )
    steps = [
        ("return", {"reason": "pupil-left"}, DeviceStatus.RETURNED),
        ("repair", {}, DeviceStatus.IN_REPAIR),
        ("repaired", {}, DeviceStatus.IN_STOCK),
        ("missing", {"what": "stolen"}, DeviceStatus.STOLEN),
    ]
    for slug, extra, expected in steps:
        response = client.post(
            f"/devices/{device.id}/actions/{slug}",
            data={"csrf_token": token, **extra, **on(f"{slug}-on", today())},
            follow_redirects=False,
        )
        assert response.status_code == 303, (slug, response.text[:2000])
        session.refresh(device)
        assert device.status is expected, slug
    page = client.get(f"/devices/{device.id}").text
    assert "Reported stolen" in page and "Returned" in page


def test_the_device_page_links_to_the_family_it_is_with(session, client):
    school, token = _school_staff(session, client)
    device = make_device(session, holder=school)
    family = make_family(session, school=school)
    client.post(
        f"/devices/{device.id}/allocate",
        data={"csrf_token": token, "family": "existing", "family_id": str(family.id),
              "collected": "true", **_date_fields("allocated_on", today())},
    )  # fmt: skip
    page = client.get(f"/devices/{device.id}?lang=ar").text
    assert (
        f'<a class="govuk-link" href="/families/{family.id}">Pupil {family.pupil_reference}</a>'
        in page
    )
    assert "&lt;a" not in page, "the link is a link, not escaped text"
    assert today().strftime("%B") in page, "staff content is dated the English way"


def test_an_action_the_status_does_not_allow_says_why(session, client):
    school, token = _school_staff(session, client)
    device = make_device(session, holder=school)
    response = client.post(
        f"/devices/{device.id}/actions/return",
        data={"csrf_token": token, "reason": "returned", **_date_fields("return-on", today())},
    )
    assert response.status_code == 409
    assert "There is a problem" in response.text and "Traceback" not in response.text


def test_support_agents_cannot_open_the_register_pages_and_strangers_sign_in(session, client):
    council = make_council(session)
    agent = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    response = client.get("/devices", headers=HTML, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (303, "/sign-in?next=%2Fdevices")
    sign_in_pages(client, session, agent)
    assert client.get("/devices", headers=HTML).status_code == 403


def test_a_filter_left_at_any_is_no_filter_not_an_error(session, client):
    school, _token = _school_staff(session, client)
    device = make_device(session, holder=school)
    response = client.get("/devices?status=&kind=&serial=&sort=serial_number")
    assert response.status_code == 200 and device.serial_number in response.text
    assert client.get("/families?broadband=&school=").status_code == 200
    assert client.get("/requests?status=").status_code == 200


def test_signing_in_returns_to_the_list_asked_for_with_its_filters(session, client):
    school = make_school(session, council=make_council(session))
    make_user(session, organisation=school, role=Role.SCHOOL_STAFF, email="sam@example.org")
    asked = client.get(
        "/devices?status=in-stock&sort=-serial_number", headers=HTML, follow_redirects=False
    )
    assert asked.headers["location"] == (
        "/sign-in?next=%2Fdevices%3Fstatus%3Din-stock%26sort%3D-serial_number"
    )
    form = client.get(asked.headers["location"]).text
    assert 'name="next" value="/devices?status=in-stock&amp;sort=-serial_number"' in form
    from tests.factories import PASSWORD

    client.get("/sign-in")
    signed_in = client.post(
        "/sign-in",
        data={
            "csrf_token": client.cookies["dfc_csrf"],
            "email": "sam@example.org",
            "password": PASSWORD,
            "next": "/devices?status=in-stock&sort=-serial_number",
        },
        follow_redirects=False,
    )
    assert signed_in.headers["location"] == "/devices?status=in-stock&sort=-serial_number"
