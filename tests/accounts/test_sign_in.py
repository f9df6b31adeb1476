"""Signing in on the API and on web pages: tokens, sessions, CSRF and the lockout."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Credential, Role
from accounts.sign_in import AccountLocked, SignInFailed, sign_in
from dfc.db_types import utcnow
from dfc.web.csrf import CSRF_COOKIE
from tests.factories import PASSWORD, make_council, make_user


@pytest.fixture
def officer(session: Session):
    return make_user(
        session,
        organisation=make_council(session),
        role=Role.COUNCIL_OFFICER,
        email="officer@example.org",
    )


def token(client, email: str, password: str):
    return client.post("/api/auth/token", data={"username": email, "password": password})


def test_the_right_password_gives_a_token_that_works(client, officer):
    response = token(client, "Officer@Example.org ", PASSWORD)
    assert response.status_code == 200, response.text
    secret = response.json()["access_token"]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200
    assert me.json()["role"] == "council-officer"


def test_only_a_hash_of_the_token_is_stored(client, session, officer):
    secret = token(client, officer.email, PASSWORD).json()["access_token"]
    stored = session.exec(select(Credential.secret_hash)).all()
    assert stored and secret not in stored and all(len(value) == 64 for value in stored)


def test_a_wrong_password_gets_401_without_saying_which_part_was_wrong(client, officer):
    for email in (officer.email, "nobody@example.org"):
        response = token(client, email, "wrong password here")
        assert response.status_code == 401
        assert response.json()["detail"] == "Email address or password is not right"


def test_the_api_refuses_missing_and_made_up_tokens(client, officer):
    assert client.get("/api/me").status_code == 401
    response = client.get("/api/me", headers={"Authorization": "Bearer dfct_made-up"})
    assert response.status_code == 401
    assert "not valid" in response.json()["detail"]


def test_five_failures_lock_the_account_even_against_the_right_password(client, officer):
    for _ in range(5):
        assert token(client, officer.email, "wrong password here").status_code == 401
    locked = token(client, officer.email, PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed attempts" in locked.json()["detail"]


def test_the_lockout_ends_and_lengthens_with_each_further_failure(session, officer):
    start = utcnow()
    for _ in range(5):
        with pytest.raises(SignInFailed):
            sign_in(session, email=officer.email, password="nope nope nope", now=start)
    first_lock = officer.locked_until - start
    assert first_lock == timedelta(minutes=15)
    later = start + timedelta(minutes=16)
    with pytest.raises(SignInFailed):
        sign_in(session, email=officer.email, password="nope nope nope", now=later)
    assert officer.locked_until - later == timedelta(minutes=30)
    with pytest.raises(AccountLocked):
        sign_in(session, email=officer.email, password=PASSWORD, now=later)
    after = later + timedelta(minutes=31)
    assert sign_in(session, email=officer.email, password=PASSWORD, now=after) is officer
    assert officer.failed_sign_ins == 0 and officer.locked_until is None


def test_a_deactivated_user_cannot_sign_in(client, session, officer):
    officer.is_active = False
    session.add(officer)
    session.commit()
    assert token(client, officer.email, PASSWORD).status_code == 401


def csrf(client) -> str:
    client.get("/sign-in")
    return client.cookies[CSRF_COOKIE]


def test_signing_in_on_the_web_page_opens_a_session_and_shows_who_you_are(client, officer):
    response = client.post(
        "/sign-in",
        data={"email": officer.email, "password": PASSWORD, "csrf_token": csrf(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    home = client.get("/")
    assert home.status_code == 200
    assert "Test User" in home.text and "Council officer" in home.text


def test_the_sign_in_form_refuses_a_post_without_its_csrf_token(client, officer):
    csrf(client)
    response = client.post(
        "/sign-in",
        data={"email": officer.email, "password": PASSWORD},
        headers={"Accept": "text/html"},
        follow_redirects=False,
    )
    assert response.status_code == 403
    assert "expired or came from another site" in response.text
    forged = client.post(
        "/sign-in",
        data={"email": officer.email, "password": PASSWORD, "csrf_token": "guessed"},
        follow_redirects=False,
    )
    assert forged.status_code == 403


def test_a_wrong_password_on_the_page_shows_the_error_beside_the_field(client, officer):
    response = client.post(
        "/sign-in",
        data={"email": officer.email, "password": "wrong one!!", "csrf_token": csrf(client)},
    )
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text
    assert 'href="#email"' in response.text
    assert "Email address or password is not right" in response.text


def test_an_empty_form_names_both_fields(client):
    response = client.post("/sign-in", data={"csrf_token": csrf(client)})
    assert "Enter your email address" in response.text
    assert "Enter your password" in response.text


def test_signing_out_ends_the_session(client, officer):
    client.post(
        "/sign-in", data={"email": officer.email, "password": PASSWORD, "csrf_token": csrf(client)}
    )
    session_cookie = client.cookies["dfc_session"]
    client.post("/sign-out", data={"csrf_token": client.cookies[CSRF_COOKIE]})
    client.cookies.set("dfc_session", session_cookie)
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 200 and 'href="/sign-in"' in home.text  # signed out: welcome
    assert "Hello," not in home.text


def test_a_web_session_does_not_open_the_api_and_a_token_does_not_open_pages(client, officer):
    client.post(
        "/sign-in", data={"email": officer.email, "password": PASSWORD, "csrf_token": csrf(client)}
    )
    assert client.get("/api/me").status_code == 401
    secret = token(client, officer.email, PASSWORD).json()["access_token"]
    client.cookies.clear()
    client.cookies.set("dfc_session", secret)
    home = client.get("/", follow_redirects=False)
    assert home.status_code == 200 and "Hello," not in home.text  # a token is not a session


def test_the_page_says_when_a_locked_account_can_try_again(client, officer):
    token_value = csrf(client)
    for _ in range(5):
        client.post(
            "/sign-in",
            data={"email": officer.email, "password": "wrong password", "csrf_token": token_value},
        )
    response = client.post(
        "/sign-in", data={"email": officer.email, "password": PASSWORD, "csrf_token": token_value}
    )
    assert response.status_code == 400
    assert "You have tried too many times. Try again after" in response.text
    assert "dfc_session" not in response.cookies
