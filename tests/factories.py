"""Factories for test data: each call makes new, unique rows and commits them."""

from datetime import timedelta
from itertools import count

from sqlmodel import Session

from accounts.models import (
    CredentialKind,
    Organisation,
    OrganisationKind,
    Role,
    SchoolPhase,
    User,
)
from accounts.organisations import ensure_scheme
from accounts.passwords import hash_password
from accounts.sign_in import issue_credential

PASSWORD = "correct horse battery staple"
_sequence = count(1)
# One hash for every test user: argon2 is slow by design, and tests make many users.
_PASSWORD_HASH = hash_password(PASSWORD)


def make_council(session: Session, *, name: str | None = None) -> Organisation:
    n = next(_sequence)
    council = Organisation(
        kind=OrganisationKind.COUNCIL,
        name=name or f"Council {n}",
        gss_code=f"E{n:08d}",
        la_code=f"{(n % 900) + 100:03d}",
    )
    session.add(council)
    session.commit()
    return council


def make_trust(session: Session, *, name: str | None = None) -> Organisation:
    trust = Organisation(kind=OrganisationKind.TRUST, name=name or f"Trust {next(_sequence)}")
    session.add(trust)
    session.commit()
    return trust


def make_school(
    session: Session,
    *,
    council: Organisation,
    trust: Organisation | None = None,
    name: str | None = None,
    urn: str | None = None,
) -> Organisation:
    n = next(_sequence)
    school = Organisation(
        kind=OrganisationKind.SCHOOL,
        name=name or f"School {n}",
        urn=urn or f"{100000 + n}",
        phase=SchoolPhase.PRIMARY,
        council_id=council.id,
        trust_id=trust.id if trust else None,
    )
    session.add(school)
    session.commit()
    return school


def make_user(
    session: Session, *, organisation: Organisation, role: Role, email: str | None = None
) -> User:
    user = User(
        email=email or f"user{next(_sequence)}@example.org",
        full_name="Test User",
        role=role,
        organisation_id=organisation.id,
        password_hash=_PASSWORD_HASH,
    )
    session.add(user)
    session.commit()
    return user


def make_admin(session: Session) -> User:
    scheme = ensure_scheme(session)
    session.commit()
    return make_user(session, organisation=scheme, role=Role.SCHEME_ADMIN)


def bearer(session: Session, user: User) -> dict[str, str]:
    """Headers that call the API as `user`, through a real token."""
    _credential, secret = issue_credential(
        session, user=user, kind=CredentialKind.API_TOKEN, lifetime=timedelta(hours=1)
    )
    session.commit()
    return {"Authorization": f"Bearer {secret}"}


def sign_in_pages(client, session: Session, user: User) -> str:
    """Signs `client` in to the web pages as `user` through a real session cookie, and
    returns the CSRF token its forms must send (as the `csrf_token` field)."""
    _credential, secret = issue_credential(
        session, user=user, kind=CredentialKind.WEB_SESSION, lifetime=timedelta(hours=1)
    )
    session.commit()
    client.cookies.set("dfc_session", secret)
    client.get("/sign-in?next=/")
    return client.cookies.get("dfc_csrf")
