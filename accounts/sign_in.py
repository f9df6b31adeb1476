"""Signing in with a password, with back-off after repeated failures, and the
credentials (web sessions and API tokens) that follow."""

from datetime import datetime, timedelta

from sqlmodel import Session, select

from accounts.models import Credential, CredentialKind, Organisation, User
from accounts.passwords import hash_password, needs_rehash, password_matches
from accounts.secrets import SESSION_PREFIX, TOKEN_PREFIX, new_secret, secret_hash
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import DomainError

FREE_ATTEMPTS = 5
FIRST_LOCKOUT = timedelta(minutes=15)
LONGEST_LOCKOUT = timedelta(hours=24)


class SignInFailed(DomainError):
    """Wrong email or password; deliberately does not say which."""

    status_code = 401
    code = "sign-in-failed"


class AccountLocked(DomainError):
    status_code = 429
    code = "account-locked"

    def __init__(self, until: datetime) -> None:
        super().__init__(f"Too many failed attempts. Try again after {until:%H:%M} UTC.")
        self.until = until


def _lockout_after(failures: int) -> timedelta:
    """15 minutes after the fifth failure, doubling with each further one, at most a day."""
    doublings = max(0, failures - FREE_ATTEMPTS)
    return min(FIRST_LOCKOUT * (2**doublings), LONGEST_LOCKOUT)


def find_user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == email.strip().lower())).first()


def sign_in(session: Session, *, email: str, password: str, now: datetime | None = None) -> User:
    """The user whose password this is; counts failures and locks the account for a while
    after too many. The caller commits, so failures are recorded even when sign-in fails."""
    now = now or utcnow()
    user = find_user_by_email(session, email)
    if user is not None and user.locked_until and user.locked_until > now:
        raise AccountLocked(user.locked_until)
    if not password_matches(user.password_hash if user else None, password):
        if user is not None:
            user.failed_sign_ins += 1
            if user.failed_sign_ins >= FREE_ATTEMPTS:
                user.locked_until = now + _lockout_after(user.failed_sign_ins)
            session.add(user)
        raise SignInFailed("Email address or password is not right")
    if not user.is_active:
        raise SignInFailed("Email address or password is not right")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_sign_ins = 0
    user.locked_until = None
    user.last_signed_in_at = now
    session.add(user)
    return user


def issue_credential(
    session: Session, *, user: User, kind: CredentialKind, lifetime: timedelta
) -> tuple[Credential, str]:
    """A new web session or API token for `user`; the secret is returned once, never stored."""
    prefix = SESSION_PREFIX if kind is CredentialKind.WEB_SESSION else TOKEN_PREFIX
    secret = new_secret(prefix)
    credential = Credential(
        user_id=user.id,
        kind=kind,
        secret_hash=secret_hash(secret),
        expires_at=utcnow() + lifetime,
    )
    session.add(credential)
    session.flush()
    return credential, secret


def caller_for_credential(
    session: Session, *, secret: str, kind: CredentialKind, now: datetime | None = None
) -> Caller | None:
    """The caller a session cookie or bearer token stands for, if it is live."""
    now = now or utcnow()
    row = session.exec(
        select(Credential, User, Organisation)
        .join(User, User.id == Credential.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(
            Credential.secret_hash == secret_hash(secret),
            Credential.kind == kind,
            Credential.revoked_at.is_(None),
            Credential.expires_at > now,
            User.is_active.is_(True),
        )
    ).first()
    if row is None:
        return None
    _credential, user, organisation = row
    return Caller.for_user(user, organisation)


def revoke_credential(session: Session, *, secret: str) -> None:
    credential = session.exec(
        select(Credential).where(Credential.secret_hash == secret_hash(secret))
    ).first()
    if credential is not None and credential.revoked_at is None:
        credential.revoked_at = utcnow()
        session.add(credential)
