"""API keys for machine integrations: shown once, stored hashed, revocable."""

from sqlmodel import Session, select

from accounts.models import ApiKey, Role
from tests.factories import bearer, make_council, make_school, make_user


def officer_headers(session: Session):
    council = make_council(session)
    make_school(session, council=council)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    return council, bearer(session, officer)


def test_a_new_key_is_shown_once_and_only_its_hash_is_kept(client, session):
    council, headers = officer_headers(session)
    created = client.post(
        "/api/api-keys", json={"name": "Supplier", "organisation_id": council.id}, headers=headers
    )
    assert created.status_code == 201, created.text
    secret = created.json()["key"]
    assert secret.startswith("dfck_")
    listed = client.get("/api/api-keys", headers=headers).json()["items"]
    assert [item["name"] for item in listed] == ["Supplier"]
    assert "key" not in listed[0] and secret not in str(listed)
    stored = session.exec(select(ApiKey)).one()
    assert secret not in (stored.secret_hash, stored.prefix)
    assert secret.startswith(stored.prefix)


def test_a_key_works_until_it_is_revoked(client, session):
    council, headers = officer_headers(session)
    created = client.post(
        "/api/api-keys", json={"name": "Network", "organisation_id": council.id}, headers=headers
    ).json()
    as_key = {"Authorization": f"Bearer {created['key']}"}
    assert client.get("/api/schools", headers=as_key).json()["total"] == 1
    revoked = client.delete(f"/api/api-keys/{created['id']}", headers=headers)
    assert revoked.json()["revoked_at"] is not None
    assert client.get("/api/schools", headers=as_key).status_code == 401


def test_a_key_cannot_manage_users_or_keys(client, session):
    council, headers = officer_headers(session)
    secret = client.post(
        "/api/api-keys", json={"name": "S", "organisation_id": council.id}, headers=headers
    ).json()["key"]
    response = client.post(
        "/api/api-keys",
        json={"name": "More", "organisation_id": council.id},
        headers={"X-API-Key": secret},
    )
    assert response.status_code == 403


def test_school_staff_cannot_make_keys(client, session):
    council = make_council(session)
    school = make_school(session, council=council)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    response = client.post(
        "/api/api-keys",
        json={"name": "S", "organisation_id": school.id},
        headers=bearer(session, staff),
    )
    assert response.status_code == 403
