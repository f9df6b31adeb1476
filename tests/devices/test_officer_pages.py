"""A council officer, who reaches several schools, opens the register's lists and can pick
a school in each: the lists that once answered 500 for anyone seeing more than one school."""

import pytest

from accounts.models import Role
from tests.devices.factories import make_device, make_family
from tests.factories import make_council, make_school, make_user, sign_in_pages

HTML = {"Accept": "text/html"}


@pytest.fixture
def officer_with_two_schools(session, client):
    council = make_council(session)
    schools = [
        make_school(session, council=council, name="Camden Primary"),
        make_school(session, council=council, name="Kentish Town Academy"),
    ]
    for school in schools:
        make_device(session, holder=school)
        make_family(session, school=school)
    sign_in_pages(
        client, session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    )
    return schools


@pytest.mark.parametrize("path", ["/devices", "/families", "/requests"])
def test_an_officer_opens_each_list_and_can_choose_a_school(client, officer_with_two_schools, path):
    page = client.get(path, headers=HTML)
    assert page.status_code == 200, page.text[-500:]
    for school in officer_with_two_schools:
        assert f'<option value="{school.id}"' in page.text and school.name in page.text
    filtered = client.get(f"{path}?school={officer_with_two_schools[0].id}", headers=HTML)
    assert filtered.status_code == 200


def test_an_optional_box_left_empty_comes_back_empty_not_none(session, client):
    school = make_school(session, council=make_council(session))
    sign_in_pages(client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    client.get("/requests/new", headers=HTML)
    form = {"csrf_token": client.cookies["dfc_csrf"], "kind": "laptop", "quantity": "0"}
    failed = client.post("/requests/new", data=form, headers=HTML)
    assert failed.status_code == 400
    assert "None" not in failed.text


def test_a_device_page_says_what_is_not_recorded_and_never_none(session, client):
    school = make_school(session, council=make_council(session))
    sign_in_pages(client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    device = make_device(session, holder=school)  # no asset tag, no operating system
    page = client.get(f"/devices/{device.id}", headers=HTML)
    assert page.status_code == 200
    assert "Not recorded" in page.text and "None" not in page.text
