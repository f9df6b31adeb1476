"""A checked token, session or API key is trusted for CREDENTIAL_CACHE_SECONDS in each web
process: revoking it here stops it at once; revoked by another process (here: straight in
the database), it stops within that window."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from accounts import credential_cache
from accounts.models import Role
from dfc.settings import get_settings
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages


@pytest.fixture
def clock(monkeypatch):
    """The cache's clock, moved on by hand."""
    now = [1000.0]
    monkeypatch.setattr(credential_cache, "_clock", lambda: now[0])
    return now


@pytest.fixture
def council_key(client, session):
    council = make_council(session)
    make_school(session, council=council)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    headers = bearer(session, officer)
    created = client.post(
        "/api/api-keys", json={"name": "Feed", "organisation_id": council.id}, headers=headers
    ).json()
    return headers, created, {"X-API-Key": created["key"]}


def revoke_elsewhere(engine, table: str) -> None:
    """What another web process's revocation looks like to this one."""
    with engine.begin() as connection:
        connection.execute(
            text(f"UPDATE {table} SET revoked_at = :now"), {"now": datetime.now(UTC)}
        )


def test_a_key_revoked_through_this_process_stops_at_once(client, council_key, clock):
    headers, created, as_key = council_key
    assert client.get("/api/schools", headers=as_key).status_code == 200
    client.delete(f"/api/api-keys/{created['id']}", headers=headers)
    answer = client.get("/api/schools", headers=as_key)
    assert answer.status_code == 401
    assert "revoked" in answer.json()["detail"]


def test_a_key_revoked_elsewhere_stops_within_the_cache_window(client, engine, council_key, clock):
    _headers, _created, as_key = council_key
    assert client.get("/api/schools", headers=as_key).status_code == 200
    revoke_elsewhere(engine, "api_key")
    clock[0] += get_settings().CREDENTIAL_CACHE_SECONDS - 1
    assert client.get("/api/schools", headers=as_key).status_code == 200
    clock[0] += 1.5
    assert client.get("/api/schools", headers=as_key).status_code == 401


def test_with_the_cache_off_a_token_revoked_elsewhere_stops_at_once(
    client, engine, session, monkeypatch, clock
):
    monkeypatch.setattr(get_settings(), "CREDENTIAL_CACHE_SECONDS", 0)
    council = make_council(session)
    headers = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    assert client.get("/api/schools", headers=headers).status_code == 200
    revoke_elsewhere(engine, "credential")
    assert client.get("/api/schools", headers=headers).status_code == 401


def test_a_deactivated_officers_token_stops_at_once(client, session, clock):
    council = make_council(session)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    admin_headers = bearer(
        session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    )
    headers = bearer(session, officer)
    assert client.get("/api/schools", headers=headers).status_code == 200
    changed = client.patch(
        f"/api/users/{officer.id}", json={"is_active": False}, headers=admin_headers
    )
    assert changed.status_code == 200, changed.text
    assert client.get("/api/schools", headers=headers).status_code == 401


def test_signing_out_ends_the_page_session_at_once(client, session, clock):
    council = make_council(session)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    csrf = sign_in_pages(client, session, officer)
    assert client.get("/devices", follow_redirects=False).status_code == 200
    cookie = client.cookies.get("dfc_session")
    client.post("/sign-out", data={"csrf_token": csrf}, follow_redirects=False)
    client.cookies.set("dfc_session", cookie)  # kept by someone who copied it
    answer = client.get("/devices", follow_redirects=False)
    assert answer.status_code == 401
    assert "Sign in" in answer.text


def test_a_new_school_is_reached_at_once_by_its_councils_remembered_officer(client, session, clock):
    council = make_council(session)
    headers = bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))
    assert client.get("/api/schools", headers=headers).json()["total"] == 0
    school = make_school(session, council=council)
    answer = client.get(f"/api/schools/{school.id}", headers=headers)
    assert answer.status_code == 200, answer.text


def test_the_cache_holds_hashes_never_secrets(client, council_key, clock):
    headers, _created, as_key = council_key
    client.get("/api/schools", headers=as_key)
    secrets = [headers["Authorization"].removeprefix("Bearer "), as_key["X-API-Key"]]
    remembered = " ".join(credential_cache._entries)
    assert remembered and not any(secret in remembered for secret in secrets)
