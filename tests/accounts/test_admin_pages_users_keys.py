"""The administration pages for users and API keys: lists, filters, CSV, adding, changing,
removing, passwords and secrets shown once, and a revoked key that stops working."""

import pytest
from sqlmodel import Session, select

from accounts.models import ApiKey, Role, User
from accounts.passwords import password_matches
from tests.accounts.test_admin_pages import World, build_world, csv_rows, ids_linked
from tests.factories import sign_in_pages


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def user_form(token: str, world: World, **changes: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "full_name": "Ada Lovelace",
        "email": "Ada@Example.org",
        "organisation_id": str(world.school_a1.id),
        "role": "school-staff",
        "password": "a long enough password",
    } | changes


def user_named(session, email: str) -> User | None:
    session.expire_all()
    return session.exec(select(User).where(User.email == email)).one_or_none()


def test_the_user_list_filters_by_role_and_organisation_and_sorts(client, session, world):
    sign_in_pages(client, session, world.admin)
    officers = client.get("/admin/users?role=council-officer").text
    assert ids_linked(officers, "/admin/users") == {world.officer_a.id}
    at_hackney = client.get("/admin/users?organisation=colvestone").text
    assert ids_linked(at_hackney, "/admin/users") == {world.staff_b1.id}
    by_urn = client.get(f"/admin/users?organisation={world.school_a1.urn}").text
    assert ids_linked(by_urn, "/admin/users") == {world.staff_a1.id}
    at_camden = client.get(f"/admin/users?organisation_id={world.council_a.id}").text
    assert ids_linked(at_camden, "/admin/users") == {world.officer_a.id, world.agent.id}
    assert "Showing users of Camden only." in at_camden
    by_email = client.get(f"/admin/users?search={world.agent.email}").text
    assert ids_linked(by_email, "/admin/users") == {world.agent.id}
    by_organisation = client.get("/admin/users?sort=-organisation").text
    assert by_organisation.index("Colvestone Primary") < by_organisation.index("Camden")


def test_the_user_csv_has_the_databases_rows_and_no_password_hash(client, session, world):
    sign_in_pages(client, session, world.officer_a)
    response = client.get("/admin/users?format=csv&sort=id")
    rows = csv_rows(response)
    stored = session.exec(
        select(User)
        .where(User.id.in_([world.officer_a.id, world.staff_a1.id, world.agent.id]))
        .order_by(User.id)
    ).all()
    assert [(r["id"], r["email"], r["role"], r["organisation_id"]) for r in rows] == [
        (str(u.id), u.email, u.role.value, str(u.organisation_id)) for u in stored
    ]
    assert "password" not in response.text and stored[0].password_hash not in response.text
    page = client.get(f"/admin/users/{world.staff_a1.id}").text
    assert stored[0].password_hash not in page and "$argon2" not in page


def test_a_user_is_added_with_the_password_given(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post("/admin/users", data=user_form(token, world), follow_redirects=False)
    assert response.status_code == 303
    user = user_named(session, "ada@example.org")
    assert (user.organisation_id, user.role) == (world.school_a1.id, Role.SCHOOL_STAFF)
    assert password_matches(user.password_hash, "a long enough password")
    assert response.headers["location"] == f"/admin/users/{user.id}?done=user-added"
    page = client.get(response.headers["location"]).text
    assert "User added." in page and "Their initial password" not in page


def test_a_made_password_is_shown_once_and_works(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post(
        "/admin/users", data=user_form(token, world, password=""), follow_redirects=False
    )
    assert response.status_code == 303
    assert "dfc_once" not in response.headers["location"]
    first = client.get(response.headers["location"])
    assert "Their initial password" in first.text
    assert first.headers["cache-control"] == "no-store"
    password = first.text.split('id="secret-value"')[1].split(">")[1].split("<")[0]
    assert len(password) >= 10
    user = user_named(session, "ada@example.org")
    assert password_matches(user.password_hash, password)
    again = client.get(response.headers["location"]).text
    assert "Their initial password" not in again and password not in again
    token_response = client.post(
        "/api/auth/token", data={"username": "ada@example.org", "password": password}
    )
    assert token_response.status_code == 200


def test_a_short_password_is_refused_and_nothing_is_saved(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post("/admin/users", data=user_form(token, world, password="short"))
    assert response.status_code == 400
    assert 'id="password-error"' in response.text and "at least 10 characters" in response.text
    assert 'value="Ada Lovelace"' in response.text and "short" not in response.text
    assert user_named(session, "ada@example.org") is None


def test_a_role_that_does_not_fit_the_organisation_says_why_beside_the_role(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post("/admin/users", data=user_form(token, world, role="council-officer"))
    assert response.status_code == 400
    error = response.text.split('id="role-error"')[1].split("</p>")[0]
    assert "A council-officer belongs to a council, not a school" in error
    assert f'<option value="{world.school_a1.id}" selected>' in response.text
    assert user_named(session, "ada@example.org") is None


def test_a_duplicate_email_is_shown_beside_the_email(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post("/admin/users", data=user_form(token, world, email=world.agent.email))
    assert response.status_code == 400
    assert 'id="email-error"' in response.text and "already exists" in response.text


def test_an_officer_can_neither_offer_nor_make_a_scheme_admin(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    assert 'value="scheme-admin"' not in client.get("/admin/users/new").text
    response = client.post(
        "/admin/users",
        data=user_form(token, world, role="scheme-admin", organisation_id=str(world.council_a.id)),
    )
    assert response.status_code == 400
    assert "Only a scheme admin can make another scheme admin" in response.text
    assert user_named(session, "ada@example.org") is None


def test_an_officer_cannot_add_a_user_to_another_council(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    form = user_form(token, world, organisation_id=str(world.school_b1.id))
    response = client.post("/admin/users", data=form)
    assert response.status_code == 400
    assert 'id="organisation_id-error"' in response.text
    assert f'value="{world.school_b1.id}"' not in response.text  # never offered
    assert user_named(session, "ada@example.org") is None


def test_a_users_name_and_role_are_changed(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    path = f"/admin/users/{world.agent.id}"
    response = client.post(
        path,
        data={"csrf_token": token, "full_name": "Grace Hopper", "role": "council-officer"},
        follow_redirects=False,
    )
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"{path}?done=user-saved",
    )
    user = user_named(session, world.agent.email)
    assert (user.full_name, user.role) == ("Grace Hopper", Role.COUNCIL_OFFICER)
    assert "User changes saved." in client.get(response.headers["location"]).text


def test_a_user_change_that_breaks_a_rule_saves_nothing(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post(
        f"/admin/users/{world.staff_a1.id}",
        data={"csrf_token": token, "full_name": "Changed", "role": "council-officer"},
    )
    assert response.status_code == 400
    assert 'id="role-error"' in response.text and 'value="Changed"' in response.text
    blank = client.post(
        f"/admin/users/{world.staff_a1.id}",
        data={"csrf_token": token, "full_name": "", "role": "school-staff"},
    )
    assert blank.status_code == 400 and 'id="full_name-error"' in blank.text
    user = user_named(session, world.staff_a1.email)
    assert (user.full_name, user.role) == ("Test User", Role.SCHOOL_STAFF)


def test_a_user_is_removed_after_confirming_but_never_oneself(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    path = f"/admin/users/{world.staff_a1.id}/delete"
    assert "Are you sure you want to remove" in client.get(path).text
    response = client.post(path, data={"csrf_token": token}, follow_redirects=False)
    assert (response.status_code, response.headers["location"]) == (
        303,
        "/admin/users?done=user-deleted",
    )
    assert user_named(session, world.staff_a1.email) is None
    own = client.post(f"/admin/users/{world.officer_a.id}/delete", data={"csrf_token": token})
    assert own.status_code == 400 and "You cannot delete your own account" in own.text
    assert user_named(session, world.officer_a.email) is not None


def test_the_key_list_filters_and_exports_without_secrets(client, session, world):
    sign_in_pages(client, session, world.admin)
    client.post(
        f"/admin/api-keys/{world.key_b.id}/revoke",
        data={"csrf_token": client.cookies.get("dfc_csrf")},
    )
    live = client.get("/admin/api-keys?status=live").text
    assert ids_linked(live, "/admin/api-keys") == {world.key_a.id}
    revoked = client.get("/admin/api-keys?status=revoked").text
    assert ids_linked(revoked, "/admin/api-keys") == {world.key_b.id}
    named = client.get("/admin/api-keys?search=hackney").text
    assert ids_linked(named, "/admin/api-keys") == {world.key_b.id}
    response = client.get("/admin/api-keys?format=csv&sort=name")
    session.expire_all()
    stored = session.exec(select(ApiKey).order_by(ApiKey.name)).all()
    rows = csv_rows(response)
    assert [(r["id"], r["name"], r["prefix"], r["organisation_id"]) for r in rows] == [
        (str(k.id), k.name, k.prefix, str(k.organisation_id)) for k in stored
    ]
    assert [bool(r["revoked_at"]) for r in rows] == [False, True]
    assert all(key.secret_hash not in response.text for key in stored)


def test_a_new_keys_secret_is_shown_once_then_the_revoked_key_stops_working(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    response = client.post(
        "/admin/api-keys",
        data={
            "csrf_token": token,
            "name": "Torriano's supplier",
            "organisation_id": str(world.school_a1.id),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    key = session.exec(select(ApiKey).where(ApiKey.name == "Torriano's supplier")).one()
    assert response.headers["location"] == f"/admin/api-keys/{key.id}?done=key-created"
    first = client.get(response.headers["location"])
    assert "Copy the key" in first.text and first.headers["cache-control"] == "no-store"
    secret = first.text.split('id="secret-value"')[1].split(">")[1].split("<")[0]
    assert secret.startswith(key.prefix) and secret != key.prefix
    assert secret not in client.get(response.headers["location"]).text
    assert secret not in client.get("/admin/api-keys").text

    works = client.get("/api/schools", headers={"X-API-Key": secret})
    assert works.status_code == 200 and works.json()["total"] == 1
    revoked = client.post(
        f"/admin/api-keys/{key.id}/revoke", data={"csrf_token": token}, follow_redirects=False
    )
    assert revoked.headers["location"] == f"/admin/api-keys/{key.id}?done=key-revoked"
    assert "It no longer works." in client.get(revoked.headers["location"]).text
    assert client.get("/api/schools", headers={"X-API-Key": secret}).status_code == 401


def test_a_key_form_with_a_problem_saves_nothing(client, session, world):
    token = sign_in_pages(client, session, world.officer_a)
    blank = client.post(
        "/admin/api-keys",
        data={"csrf_token": token, "name": "", "organisation_id": str(world.council_a.id)},
    )
    assert blank.status_code == 400 and 'id="name-error"' in blank.text
    elsewhere = client.post(
        "/admin/api-keys",
        data={"csrf_token": token, "name": "Sneaky", "organisation_id": str(world.council_b.id)},
    )
    assert elsewhere.status_code == 400
    assert 'id="organisation_id-error"' in elsewhere.text and 'value="Sneaky"' in elsewhere.text
    session.expire_all()
    assert len(session.exec(select(ApiKey)).all()) == 2


def test_a_user_who_left_is_deactivated_and_can_no_longer_use_the_pages(client, session, world):
    from fastapi.testclient import TestClient

    from dfc.app import create_app

    leaver = TestClient(create_app())
    sign_in_pages(leaver, session, world.staff_a1)
    assert leaver.get("/devices").status_code == 200
    token = sign_in_pages(client, session, world.officer_a)
    path = f"/admin/users/{world.staff_a1.id}"
    assert 'name="is_active"' in client.get(path).text
    form = {"csrf_token": token, "full_name": "Test User", "role": "school-staff"}
    wrong = client.post(path, data=form | {"is_active": "perhaps"})
    assert wrong.status_code == 400 and 'id="is_active-error"' in wrong.text
    done = client.post(path, data=form | {"is_active": "false"}, follow_redirects=False)
    assert done.status_code == 303
    assert user_named(session, world.staff_a1.email).is_active is False
    assert "Deactivated" in client.get(path).text
    gone = leaver.get("/devices", headers={"Accept": "text/html"}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/sign-in")
    own = f"/admin/users/{world.officer_a.id}"
    assert 'name="is_active"' not in client.get(own).text
    client.post(own, data={"csrf_token": token, "full_name": "Olu", "role": "council-officer",
                           "is_active": "false"})  # fmt: skip
    assert user_named(session, world.officer_a.email).is_active is True


def test_a_national_admin_finds_the_organisation_instead_of_scrolling_thousands(
    client, session, world, monkeypatch
):
    import accounts.pages.admin_common

    monkeypatch.setattr(accounts.pages.admin_common, "PICKER_LIMIT", 2)
    sign_in_pages(client, session, world.admin)
    option = f'<option value="{world.school_a1.id}"'
    first = client.get("/admin/users/new").text
    assert 'name="find"' in first and option not in first
    found = client.get(f"/admin/users/new?find={world.school_a1.urn}").text
    assert option in found and "1 organisation matches" in found
    assert option in client.get(f"/admin/users/new?organisation_id={world.school_a1.id}").text
    assert option in client.get(f"/admin/api-keys/new?find={world.school_a1.urn}").text
