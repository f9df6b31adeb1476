"""The administration pages: who may open them, what a council officer reaches, the index
and councils. Schools, users and API keys are tested in test_admin_pages_*.py beside this,
with the same world of two councils built here."""

import csv
import io
from dataclasses import dataclass

import pytest
from sqlmodel import Session, select

from accounts.api_keys import create_key
from accounts.models import ApiKey, Organisation, Role, SchoolPhase, User
from accounts.organisations import ensure_scheme
from accounts.schemas import ApiKeyCreate
from dfc.caller import Caller
from tests.factories import make_admin, make_council, make_school, make_user, sign_in_pages


@dataclass
class World:
    admin: User
    council_a: Organisation
    council_b: Organisation
    school_a1: Organisation
    school_a2: Organisation
    school_b1: Organisation
    officer_a: User
    staff_a1: User
    staff_b1: User
    agent: User
    key_a: ApiKey
    key_b: ApiKey


def _key(session: Session, admin: User, organisation: Organisation, name: str) -> ApiKey:
    caller = Caller.for_user(admin, ensure_scheme(session))
    key_in = ApiKeyCreate(name=name, organisation_id=organisation.id)
    key, _secret = create_key(session, caller=caller, key_in=key_in)
    session.commit()
    return key


def build_world(session: Session) -> World:
    """Two councils, three schools, staff of each role and a key at each council."""
    admin = make_admin(session)
    council_a = make_council(session, name="Camden")
    council_b = make_council(session, name="Hackney")
    school_a1 = make_school(session, council=council_a, name="Argyle Primary")
    school_a2 = make_school(session, council=council_a, name="Brecknock Primary")
    school_a2.phase = SchoolPhase.SECONDARY
    session.add(school_a2)
    session.commit()
    school_b1 = make_school(session, council=council_b, name="Colvestone Primary")
    return World(
        admin=admin,
        council_a=council_a,
        council_b=council_b,
        school_a1=school_a1,
        school_a2=school_a2,
        school_b1=school_b1,
        officer_a=make_user(session, organisation=council_a, role=Role.COUNCIL_OFFICER),
        staff_a1=make_user(session, organisation=school_a1, role=Role.SCHOOL_STAFF),
        staff_b1=make_user(session, organisation=school_b1, role=Role.SCHOOL_STAFF),
        agent=make_user(session, organisation=council_a, role=Role.SUPPORT_AGENT),
        key_a=_key(session, admin, council_a, "Camden supplier"),
        key_b=_key(session, admin, council_b, "Hackney supplier"),
    )


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def pages_of(world: World) -> list[str]:
    return [
        "/admin",
        "/admin/councils",
        f"/admin/councils/{world.council_a.id}",
        "/admin/schools",
        "/admin/schools/new",
        f"/admin/schools/{world.school_a1.id}",
        f"/admin/schools/{world.school_a1.id}/delete",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{world.staff_a1.id}",
        f"/admin/users/{world.staff_a1.id}/delete",
        "/admin/api-keys",
        "/admin/api-keys/new",
        f"/admin/api-keys/{world.key_a.id}",
    ]


def csv_rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def ids_linked(page: str, prefix: str) -> set[int]:
    """The ids of the records a list page links to, like /admin/schools/12."""
    found = set()
    for part in page.split(f'href="{prefix}/')[1:]:
        number = part.split('"')[0]
        if number.isdigit():
            found.add(int(number))
    return found


def test_every_admin_page_opens_for_a_scheme_admin_in_english_inside_any_language(
    client, session, world
):
    sign_in_pages(client, session, world.admin)
    for path in [*pages_of(world), "/admin/councils/new"]:
        for query in ("", "?lang=ar"):
            response = client.get(path + query)
            assert response.status_code == 200, (path, response.text)
            assert response.text.count("<h1") == 1, path
            assert "<main" in response.text and "Traceback" not in response.text
            if query:
                assert 'lang="en" dir="ltr"' in response.text, path


def test_the_index_counts_what_the_caller_manages(client, session, world):
    sign_in_pages(client, session, world.officer_a)
    page = client.get("/admin").text
    assert "You manage Camden and its schools." in page
    assert "<strong>2</strong> schools" in page  # Camden's two, not Hackney's
    assert "<strong>1</strong> council" in page
    assert "<strong>1</strong> live key" in page
    # officer_a, staff_a1 and the agent; not Hackney's staff
    assert "<strong>3</strong> users" in page


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, session, world):
    for path in pages_of(world):
        response = client.get(path, headers={"Accept": "text/html"}, follow_redirects=False)
        assert response.status_code == 303, path
        assert response.headers["location"].startswith("/sign-in?next=%2Fadmin"), path


@pytest.mark.parametrize("who", ["staff_a1", "agent"])
def test_school_staff_and_support_agents_get_the_403_page(client, session, world, who):
    token = sign_in_pages(client, session, getattr(world, who))
    for path in pages_of(world):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 403, path
        assert "This page is for council officers and scheme administrators." in response.text
    posted = client.post("/admin/schools", data={"csrf_token": token, "urn": "999999", "name": "X"})
    assert posted.status_code == 403


def test_a_council_officer_cannot_add_a_council(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    assert client.get("/admin/councils/new").status_code == 403
    response = client.post(
        "/admin/councils",
        data={"csrf_token": token, "name": "X", "gss_code": "E09000099", "la_code": "999"},
    )
    assert response.status_code == 403


def test_a_council_officer_sees_only_their_councils_records(client, session, world):
    sign_in_pages(client, session, world.officer_a)
    schools = client.get("/admin/schools").text
    assert ids_linked(schools, "/admin/schools") == {world.school_a1.id, world.school_a2.id}
    councils = client.get("/admin/councils").text
    assert ids_linked(councils, "/admin/councils") == {world.council_a.id}
    users = client.get("/admin/users").text
    assert ids_linked(users, "/admin/users") == {
        world.officer_a.id,
        world.staff_a1.id,
        world.agent.id,
    }
    keys = client.get("/admin/api-keys").text
    assert ids_linked(keys, "/admin/api-keys") == {world.key_a.id}


def test_another_councils_records_are_not_found_by_id(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    for path in (
        f"/admin/councils/{world.council_b.id}",
        f"/admin/schools/{world.school_b1.id}",
        f"/admin/schools/{world.school_b1.id}/delete",
        f"/admin/users/{world.staff_b1.id}",
        f"/admin/users/{world.staff_b1.id}/delete",
        f"/admin/api-keys/{world.key_b.id}",
    ):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 404, path
        assert "Page not found" in response.text
    for path, data in (
        (f"/admin/schools/{world.school_b1.id}", {"name": "Taken", "phase": "primary"}),
        (f"/admin/schools/{world.school_b1.id}/delete", {}),
        (f"/admin/users/{world.staff_b1.id}", {"full_name": "Taken", "role": "school-staff"}),
        (f"/admin/users/{world.staff_b1.id}/delete", {}),
        (f"/admin/api-keys/{world.key_b.id}/revoke", {}),
    ):
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 404, path
    session.expire_all()
    assert session.get(Organisation, world.school_b1.id).name == "Colvestone Primary"
    assert session.get(User, world.staff_b1.id) is not None
    assert session.get(ApiKey, world.key_b.id).revoked_at is None


def test_the_council_list_counts_schools_sorts_and_exports(client, session, world):
    make_school(session, council=world.council_b)
    make_school(session, council=world.council_b)
    sign_in_pages(client, session, world.admin)
    page = client.get("/admin/councils?sort=-school_count").text
    assert page.index("Hackney") < page.index("Camden")
    assert ids_linked(client.get("/admin/councils?search=hack").text, "/admin/councils") == {
        world.council_b.id
    }
    rows = csv_rows(client.get("/admin/councils?format=csv&sort=name"))
    assert [(row["name"], row["gss_code"], row["school_count"]) for row in rows] == [
        ("Camden", world.council_a.gss_code, "2"),
        ("Hackney", world.council_b.gss_code, "3"),
    ]


def test_a_council_page_lists_its_schools(client, session, world):
    sign_in_pages(client, session, world.officer_a)
    page = client.get(f"/admin/councils/{world.council_a.id}").text
    assert world.council_a.gss_code in page
    assert ids_linked(page, "/admin/schools") == {world.school_a1.id, world.school_a2.id}


def test_a_scheme_admin_adds_a_council(client, session, world):
    token = sign_in_pages(client, session, world.admin)
    response = client.post(
        "/admin/councils",
        data={
            "csrf_token": token,
            "name": "Islington",
            "gss_code": "E09000019",
            "la_code": "206",
            "inner_london": "yes",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    council = session.exec(select(Organisation).where(Organisation.name == "Islington")).one()
    assert council.inner_london is True and council.la_code == "206"
    assert response.headers["location"] == f"/admin/councils/{council.id}?done=council-added"
    assert "Council added." in client.get(response.headers["location"]).text


def test_a_council_with_a_bad_code_is_shown_again_and_not_saved(client, session, world):
    token = sign_in_pages(client, session, world.admin)
    response = client.post(
        "/admin/councils",
        data={"csrf_token": token, "name": "Islington", "gss_code": "X1", "la_code": "206"},
    )
    assert response.status_code == 400
    assert 'id="gss_code-error"' in response.text and "like E09000007" in response.text
    assert 'href="#gss_code"' in response.text  # in the error summary
    assert 'value="Islington"' in response.text
    assert session.exec(select(Organisation).where(Organisation.name == "Islington")).all() == []
