"""The administration pages for schools: the list's filters, sort, pages and CSV; adding,
changing and removing a school; the success banner."""

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, SchoolPhase
from devices.models import Device
from tests.accounts.test_admin_pages import World, build_world, csv_rows, ids_linked
from tests.devices.factories import make_device
from tests.factories import sign_in_pages


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def test_the_school_list_filters_sorts_and_pages_in_the_url(client, session, world):
    sign_in_pages(client, session, world.admin)
    by_council = client.get(f"/admin/schools?council_id={world.council_a.id}").text
    assert ids_linked(by_council, "/admin/schools") == {world.school_a1.id, world.school_a2.id}
    secondary = client.get("/admin/schools?phase=secondary").text
    assert ids_linked(secondary, "/admin/schools") == {world.school_a2.id}
    by_urn = client.get(f"/admin/schools?search={world.school_b1.urn}").text
    assert ids_linked(by_urn, "/admin/schools") == {world.school_b1.id}
    by_name = client.get("/admin/schools?search=brecknock").text
    assert ids_linked(by_name, "/admin/schools") == {world.school_a2.id}
    descending = client.get("/admin/schools?sort=-name").text
    order = [descending.index(name) for name in ("Colvestone", "Brecknock", "Argyle")]
    assert order == sorted(order)
    first = client.get("/admin/schools?per_page=2&sort=name").text
    assert ids_linked(first, "/admin/schools") == {world.school_a1.id, world.school_a2.id}
    assert "Showing 1 to 2 of 3 schools." in first
    assert 'href="/admin/schools?per_page=2&amp;sort=name&amp;page=2"' in first
    second = client.get("/admin/schools?per_page=2&sort=name&page=2").text
    assert ids_linked(second, "/admin/schools") == {world.school_b1.id}


def test_an_unknown_sort_is_a_plain_error_page(client, session, world):
    sign_in_pages(client, session, world.admin)
    response = client.get("/admin/schools?sort=password", headers={"Accept": "text/html"})
    assert response.status_code == 422
    assert "Cannot sort by &#39;password&#39;" in response.text
    assert "Traceback" not in response.text


def test_the_school_csv_has_the_databases_rows_for_the_filter(client, session, world):
    sign_in_pages(client, session, world.officer_a)
    rows = csv_rows(client.get("/admin/schools?format=csv&sort=urn"))
    stored = session.exec(
        select(Organisation)
        .where(
            Organisation.kind == OrganisationKind.SCHOOL,
            Organisation.council_id == world.council_a.id,
        )
        .order_by(Organisation.urn)
    ).all()
    assert rows == [
        {
            "id": str(school.id),
            "urn": school.urn,
            "name": school.name,
            "phase": school.phase.value,
            "council_id": str(school.council_id),
            "trust_id": "",
        }
        for school in stored
    ]


def test_an_officer_adds_a_school_to_their_council(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    assert (
        f'<option value="{world.council_a.id}" selected>' in client.get("/admin/schools/new").text
    )
    response = client.post(
        "/admin/schools",
        data={
            "csrf_token": token,
            "urn": "7654321",
            "name": "Torriano Primary",
            "phase": "primary",
            "council_id": str(world.council_a.id),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    school = session.exec(select(Organisation).where(Organisation.urn == "7654321")).one()
    assert (school.council_id, school.name) == (world.council_a.id, "Torriano Primary")
    page = client.get(response.headers["location"]).text
    assert "School added." in page and "Torriano Primary" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"urn": "12"}, "urn", "6 or 7 digits"),
        ({"name": ""}, "name", "Enter the school&#39;s name"),
        ({"phase": ""}, "phase", "Choose the school&#39;s phase"),
        ({"council_id": "council-b"}, "council_id", "Choose the school&#39;s council"),
        ({"urn": "{existing}"}, "urn", "already exists"),
    ],
)
def test_a_school_form_with_a_problem_saves_nothing(client, session, world, change, field, message):
    token = sign_in_pages(client, session, world.officer_a)
    data = {
        "csrf_token": token,
        "urn": "7654321",
        "name": "Torriano Primary",
        "phase": "primary",
        "council_id": str(world.council_a.id),
    } | change
    if data["urn"] == "{existing}":
        data["urn"] = world.school_b1.urn
    before = session.exec(select(Organisation)).all()
    response = client.post("/admin/schools", data=data)
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text and message in response.text
    assert f'href="#{field}"' in response.text
    if field != "name":
        assert 'value="Torriano Primary"' in response.text
    session.expire_all()
    assert len(session.exec(select(Organisation)).all()) == len(before)


def test_an_officer_cannot_add_a_school_to_another_council(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post(
        "/admin/schools",
        data={
            "csrf_token": token,
            "urn": "7654321",
            "name": "Torriano Primary",
            "phase": "primary",
            "council_id": str(world.council_b.id),
        },
    )
    assert response.status_code == 400
    assert f"No council with id {world.council_b.id}" in response.text
    assert session.exec(select(Organisation).where(Organisation.urn == "7654321")).all() == []


def test_a_school_is_changed_through_its_page(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    path = f"/admin/schools/{world.school_a1.id}"
    response = client.post(
        path,
        data={"csrf_token": token, "name": "Argyle School", "phase": "all-through"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"{path}?done=school-saved"
    session.expire_all()
    school = session.get(Organisation, world.school_a1.id)
    assert (school.name, school.phase) == ("Argyle School", SchoolPhase.ALL_THROUGH)
    assert "School changes saved." in client.get(response.headers["location"]).text


def test_a_school_change_with_a_blank_name_is_refused_and_nothing_changes(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post(
        f"/admin/schools/{world.school_a1.id}",
        data={"csrf_token": token, "name": "", "phase": "secondary"},
    )
    assert response.status_code == 400
    assert 'id="name-error"' in response.text
    assert '<option value="secondary" selected>' in response.text
    session.expire_all()
    school = session.get(Organisation, world.school_a1.id)
    assert (school.name, school.phase) == ("Argyle Primary", SchoolPhase.PRIMARY)


def test_a_school_is_removed_after_confirming(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    path = f"/admin/schools/{world.school_a2.id}/delete"
    assert "Are you sure you want to remove Brecknock Primary?" in client.get(path).text
    response = client.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/admin/schools?done=school-deleted"
    session.expunge_all()
    assert session.get(Organisation, world.school_a2.id) is None
    assert "School removed." in client.get(response.headers["location"]).text


def test_a_school_with_staff_or_devices_is_not_removed_and_the_page_says_why(
    client, session, world
):
    device = make_device(session, holder=world.school_a2)
    token = sign_in_pages(client, session, world.officer_a)
    with_staff = client.post(
        f"/admin/schools/{world.school_a1.id}/delete", data={"csrf_token": token}
    )
    assert with_staff.status_code == 400
    assert "still has 1 staff user(s); remove them first" in with_staff.text
    with_devices = client.post(
        f"/admin/schools/{world.school_a2.id}/delete", data={"csrf_token": token}
    )
    assert with_devices.status_code == 400
    assert "still has devices, families or other records" in with_devices.text
    assert "There is a problem" in with_devices.text
    session.expire_all()
    assert session.get(Organisation, world.school_a1.id) is not None
    assert session.get(Organisation, world.school_a2.id) is not None
    assert session.get(Device, device.id).holder_id == world.school_a2.id


def test_the_banner_shows_only_our_own_messages(client, session, world):
    sign_in_pages(client, session, world.admin)
    page = client.get("/admin/schools?done=<script>alert(1)</script>").text
    assert "<script>alert(1)" not in page
    assert "govuk-notification-banner" not in page
    assert "School removed." in client.get("/admin/schools?done=school-deleted").text
