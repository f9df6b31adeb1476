"""Rules for staff users: which role fits which organisation, and who manages whom."""

import secrets

from sqlalchemy import Select, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.organisations import get_organisation
from accounts.passwords import MIN_PASSWORD_LENGTH, hash_password
from accounts.schemas import UserCreate, UserUpdate
from accounts.scoping import scoped
from dfc.caller import Caller
from dfc.db import flush_or_undo
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound

ROLE_HOMES: dict[Role, set[OrganisationKind]] = {
    Role.SCHEME_ADMIN: {OrganisationKind.SCHEME},
    Role.COUNCIL_OFFICER: {OrganisationKind.COUNCIL},
    Role.SCHOOL_STAFF: {OrganisationKind.SCHOOL, OrganisationKind.TRUST},
    Role.SUPPORT_AGENT: {OrganisationKind.SCHEME, OrganisationKind.COUNCIL},
    Role.NETWORK_USER: {OrganisationKind.NETWORK},
}
SORTABLE = {
    "id": User.id,
    "email": User.email,
    "full_name": User.full_name,
    "role": User.role,
    "created_at": User.created_at,
    "last_signed_in_at": User.last_signed_in_at,
}


def check_role_fits(role: Role, organisation: Organisation) -> None:
    if organisation.kind not in ROLE_HOMES[role]:
        homes = " or ".join(sorted(kind.value for kind in ROLE_HOMES[role]))
        raise InvalidInput(
            f"A {role.value} belongs to a {homes}, not a {organisation.kind.value}", field="role"
        )


def _require_user_manager(caller: Caller) -> None:
    if not caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        raise Forbidden("Only scheme admins and council officers can manage users")


def visible_users(
    caller: Caller, *, organisation_id: int | None = None, role: Role | None = None
) -> SelectOfScalar[User]:
    statement = scoped(select(User), caller, User.organisation_id)
    if organisation_id is not None:
        statement = statement.where(User.organisation_id == organisation_id)
    if role is not None:
        statement = statement.where(User.role == role)
    return statement


def get_user(session: Session, *, caller: Caller, user_id: int) -> User:
    user = session.exec(visible_users(caller).where(User.id == user_id)).one_or_none()
    if user is None:
        raise NotFound(f"No user with id {user_id}")
    return user


def add_user(session: Session, *, user_in: UserCreate, organisation: Organisation) -> User:
    """Adds a user with no permission check: for the operator's command line and for the
    API after its checks."""
    check_role_fits(user_in.role, organisation)
    user = User(
        email=user_in.email.lower(),
        full_name=user_in.full_name,
        role=user_in.role,
        organisation_id=organisation.id,
        password_hash=hash_password(user_in.password),
    )
    session.add(user)
    try:
        flush_or_undo(session)  # a refusal undoes this write only
    except IntegrityError:
        raise Conflict(f"A user with email {user_in.email} already exists", field="email") from None
    return user


def create_user(session: Session, *, caller: Caller, user_in: UserCreate) -> User:
    _require_user_manager(caller)
    try:
        organisation = get_organisation(
            session, caller=caller, organisation_id=user_in.organisation_id
        )
    except NotFound:
        raise InvalidInput(
            f"No organisation with id {user_in.organisation_id}", field="organisation_id"
        ) from None
    if user_in.role is Role.SCHEME_ADMIN and not caller.has_role(Role.SCHEME_ADMIN):
        raise Forbidden("Only a scheme admin can make another scheme admin")
    return add_user(session, user_in=user_in, organisation=organisation)


def update_user(session: Session, *, caller: Caller, user_id: int, user_in: UserUpdate) -> User:
    user = get_user(session, caller=caller, user_id=user_id)
    _require_user_manager(caller)
    changes = user_in.model_dump(exclude_unset=True)
    if "role" in changes:
        if changes["role"] is Role.SCHEME_ADMIN and not caller.has_role(Role.SCHEME_ADMIN):
            raise Forbidden("Only a scheme admin can make another scheme admin")
        check_role_fits(changes["role"], session.get(Organisation, user.organisation_id))
    if user.id == caller.user_id and changes.get("is_active") is False:
        raise Conflict("You cannot deactivate your own account", field="is_active")
    _keep_a_scheme_admin(session, caller=caller, user=user, changes=changes)
    for field, value in changes.items():
        setattr(user, field, value)
    session.add(user)
    session.flush()
    return user


def _other_active_scheme_admins(session: Session, *, user: User) -> int:
    """Locks every active admin's row (PostgreSQL), so two admins removing each other at
    once are taken one after the other and the second sees the first's change."""
    statement = (
        select(User.id)
        .where(User.role == Role.SCHEME_ADMIN, User.is_active.is_(True))
        .order_by(User.id)
        .with_for_update()
    )
    return sum(1 for admin_id in session.exec(statement).all() if admin_id != user.id)


def _keep_a_scheme_admin(session: Session, *, caller: Caller, user: User, changes: dict) -> None:
    """The scheme always keeps an active scheme admin, or nobody could manage it: nobody
    gives up their own admin role (another admin must take it), and the last one is
    neither demoted nor deactivated."""
    if user.role is not Role.SCHEME_ADMIN:
        return
    demoted = changes.get("role", Role.SCHEME_ADMIN) is not Role.SCHEME_ADMIN
    if demoted and user.id == caller.user_id:
        raise Conflict(
            "You cannot remove your own scheme admin role; ask another scheme admin to",
            field="role",
        )
    leaving = demoted or (user.is_active and changes.get("is_active") is False)
    if leaving and user.is_active and _other_active_scheme_admins(session, user=user) == 0:
        field = "role" if demoted else "is_active"
        raise Conflict(
            f"{user.email} is the scheme's last active scheme admin; make someone else a "
            "scheme admin first",
            field=field,
        )


def delete_user(session: Session, *, caller: Caller, user_id: int) -> None:
    user = get_user(session, caller=caller, user_id=user_id)
    _require_user_manager(caller)
    if user.id == caller.user_id:
        raise Conflict("You cannot delete your own account")
    _keep_a_scheme_admin(session, caller=caller, user=user, changes={"is_active": False})
    try:
        with session.begin_nested():  # a refusal undoes this delete only, not the caller's work
            session.delete(user)
    except IntegrityError:
        raise Conflict(
            f"{user.email} is still named on other records; deactivate the account instead"
        ) from None


def count_users(session: Session, *, caller: Caller) -> int:
    statement = visible_users(caller).with_only_columns(func.count(User.id))
    return int(session.exec(statement).one())


SUMMARY_SORTABLE = SORTABLE | {"organisation": Organisation.name}


def user_summaries(
    caller: Caller,
    *,
    role: Role | None = None,
    organisation_id: int | None = None,
    organisation: str | None = None,
    search: str | None = None,
) -> Select:
    """Users the caller can see with their organisation's name, for lists and CSV: only
    the columns worth showing (never the password hash)."""
    statement = scoped(
        select(
            User.id,
            User.full_name,
            User.email,
            User.role,
            User.organisation_id,
            Organisation.name.label("organisation_name"),
            User.is_active,
            User.last_signed_in_at,
            User.created_at,
        ).join(Organisation, Organisation.id == User.organisation_id),
        caller,
        User.organisation_id,
    )
    if role is not None:
        statement = statement.where(User.role == role)
    if organisation_id is not None:
        statement = statement.where(User.organisation_id == organisation_id)
    if organisation:
        statement = statement.where(
            or_(
                func.lower(Organisation.name).like(f"%{organisation.lower()}%"),
                Organisation.urn == organisation,
            )
        )
    if search:
        pattern = f"%{search.lower()}%"
        statement = statement.where(
            or_(func.lower(User.full_name).like(pattern), func.lower(User.email).like(pattern))
        )
    return statement


def roles_caller_can_give(caller: Caller) -> list[Role]:
    """Only a scheme admin can make another scheme admin."""
    return [role for role in Role if role is not Role.SCHEME_ADMIN or caller.has_role(role)]


def new_initial_password() -> str:
    """A random first password, long enough for the rule, to be shown once and changed."""
    return secrets.token_urlsafe(max(12, MIN_PASSWORD_LENGTH))
