"""A user who guesses another organisation's ids gets 404: on list, read, update and delete."""

from dataclasses import dataclass

import pytest
from sqlmodel import Session

from accounts.models import ApiKey, Organisation, Role, User
from accounts.secrets import secret_hash
from tests.factories import (
    bearer,
    make_admin,
    make_council,
    make_school,
    make_trust,
    make_user,
)


@dataclass
class World:
    council_a: Organisation
    council_b: Organisation
    school_a1: Organisation
    school_a2: Organisation
    school_b1: Organisation
    officer_a: User
    staff_a1: User
    officer_b: User
    staff_b1: User
    key_b: ApiKey


@pytest.fixture
def world(session: Session) -> World:
    council_a, council_b = make_council(session), make_council(session)
    school_a1 = make_school(session, council=council_a)
    school_a2 = make_school(session, council=council_a)
    school_b1 = make_school(session, council=council_b)
    key_b = ApiKey(
        organisation_id=council_b.id,
        name="B's supplier",
        prefix="dfck_b",
        secret_hash=secret_hash("dfck_b-secret"),
    )
    session.add(key_b)
    session.commit()
    return World(
        council_a,
        council_b,
        school_a1,
        school_a2,
        school_b1,
        officer_a=make_user(session, organisation=council_a, role=Role.COUNCIL_OFFICER),
        staff_a1=make_user(session, organisation=school_a1, role=Role.SCHOOL_STAFF),
        officer_b=make_user(session, organisation=council_b, role=Role.COUNCIL_OFFICER),
        staff_b1=make_user(session, organisation=school_b1, role=Role.SCHOOL_STAFF),
        key_b=key_b,
    )


def ids(response) -> set[int]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


def test_a_council_officer_lists_only_their_councils_schools(client, session, world):
    headers = bearer(session, world.officer_a)
    listed = ids(client.get("/api/schools", headers=headers))
    assert listed == {world.school_a1.id, world.school_a2.id}


def test_school_staff_list_only_their_own_school(client, session, world):
    listed = ids(client.get("/api/schools", headers=bearer(session, world.staff_a1)))
    assert listed == {world.school_a1.id}


def test_a_scheme_admin_sees_every_school(client, session, world):
    listed = ids(client.get("/api/schools", headers=bearer(session, make_admin(session))))
    assert listed == {world.school_a1.id, world.school_a2.id, world.school_b1.id}


def test_lists_of_users_councils_and_keys_are_scoped(client, session, world):
    headers = bearer(session, world.officer_a)
    assert ids(client.get("/api/users", headers=headers)) == {world.officer_a.id, world.staff_a1.id}
    assert ids(client.get("/api/councils", headers=headers)) == {world.council_a.id}
    assert ids(client.get("/api/api-keys", headers=headers)) == set()


GUESSES = [
    ("get", "/api/schools/{school_b1}", None),
    ("patch", "/api/schools/{school_b1}", {"name": "Taken over"}),
    ("delete", "/api/schools/{school_b1}", None),
    ("get", "/api/councils/{council_b}", None),
    ("get", "/api/users/{officer_b}", None),
    ("patch", "/api/users/{staff_b1}", {"full_name": "Renamed"}),
    ("delete", "/api/users/{staff_b1}", None),
    ("delete", "/api/api-keys/{key_b}", None),
]


@pytest.mark.parametrize(("method", "path", "body"), GUESSES)
def test_a_council_officer_guessing_another_councils_ids_gets_404(
    client, session, world, method, path, body
):
    url = path.format(**{name: getattr(world, name).id for name in vars(world)})
    response = client.request(method, url, json=body, headers=bearer(session, world.officer_a))
    assert response.status_code == 404, response.text
    assert "No " in response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "body"),
    [
        ("get", None),
        ("patch", {"name": "Renamed"}),
        ("delete", None),
    ],
)
def test_school_staff_guessing_a_neighbouring_schools_id_gets_404(
    client, session, world, method, body
):
    response = client.request(
        method,
        f"/api/schools/{world.school_a2.id}",
        json=body,
        headers=bearer(session, world.staff_a1),
    )
    assert response.status_code == 404, response.text


def test_guessed_changes_change_nothing(client, session, world):
    headers = bearer(session, world.officer_a)
    client.patch(f"/api/schools/{world.school_b1.id}", json={"name": "X"}, headers=headers)
    client.delete(f"/api/users/{world.staff_b1.id}", headers=headers)
    client.delete(f"/api/api-keys/{world.key_b.id}", headers=headers)
    session.expire_all()
    assert session.get(Organisation, world.school_b1.id).name != "X"
    assert session.get(User, world.staff_b1.id) is not None
    assert session.get(ApiKey, world.key_b.id).revoked_at is None


def test_the_owning_officer_can_read_update_and_delete(client, session, world):
    headers = bearer(session, world.officer_b)
    school = f"/api/schools/{world.school_b1.id}"
    assert client.get(school, headers=headers).status_code == 200
    assert client.patch(school, json={"name": "New name"}, headers=headers).json()["name"] == (
        "New name"
    )
    assert client.delete(f"/api/users/{world.staff_b1.id}", headers=headers).status_code == 204
    assert client.delete(school, headers=headers).status_code == 204
    assert client.get(school, headers=headers).status_code == 404


def test_school_staff_can_read_their_school_but_not_change_it(client, session, world):
    headers = bearer(session, world.staff_a1)
    school = f"/api/schools/{world.school_a1.id}"
    assert client.get(school, headers=headers).status_code == 200
    response = client.patch(school, json={"name": "Mine now"}, headers=headers)
    assert response.status_code == 403
    assert "council officers" in response.json()["detail"]


def test_an_api_key_reaches_only_its_own_organisation(client, session, world):
    headers = {"X-API-Key": "dfck_b-secret"}
    assert ids(client.get("/api/schools", headers=headers)) == {world.school_b1.id}
    assert client.get(f"/api/schools/{world.school_a1.id}", headers=headers).status_code == 404


def test_a_trust_reaches_its_academies_in_any_council_and_nothing_else(client, session, world):
    trust = make_trust(session)
    academy_a = make_school(session, council=world.council_a, trust=trust)
    academy_b = make_school(session, council=world.council_b, trust=trust)
    headers = bearer(session, make_user(session, organisation=trust, role=Role.SCHOOL_STAFF))
    assert ids(client.get("/api/schools", headers=headers)) == {academy_a.id, academy_b.id}
    assert client.get(f"/api/schools/{world.school_a1.id}", headers=headers).status_code == 404
