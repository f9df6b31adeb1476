"""Who may change the register, scoped reads by id, and how a caller is named in history."""

from typing import Any, TypeVar

from sqlmodel import Session, SQLModel, select

from accounts.models import ApiKey, Organisation, OrganisationKind, Role, User
from accounts.organisations import get_organisation
from accounts.scoping import scoped
from dfc.caller import Caller
from dfc.errors import Forbidden, InvalidInput, NotFound

Row = TypeVar("Row", bound=SQLModel)
WRITERS = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER, Role.SCHOOL_STAFF)


def require_writer(caller: Caller) -> None:
    """Staff who run stock (and integrations such as a supplier's feed) may change it;
    support agents read only."""
    if not (caller.is_integration or caller.has_role(*WRITERS)):
        raise Forbidden("Support agents can look at the register but not change it")


def actor(caller: Caller) -> str:
    """Who did it, as the device's history shows it: a person or key with its id, or the
    service itself (the demo data, the daily alerts) by name alone."""
    if caller.is_integration:
        return f"{caller.name} (API key {caller.api_key_id})"
    if caller.user_id is None:
        return caller.name or "the service"
    return f"{caller.name} (user {caller.user_id})"


def get_scoped(
    session: Session,
    caller: Caller,
    model: type[Row],
    row_id: int,
    organisation_column: Any,
    noun: str,
) -> Row:
    """The row if the caller's organisation reaches it; otherwise NotFound, like a bad id."""
    statement = scoped(select(model), caller, organisation_column).where(model.id == row_id)
    row = session.exec(statement).one_or_none()
    if row is None:
        raise NotFound(f"No {noun} with id {row_id}")
    return row


def reachable_organisation(
    session: Session, caller: Caller, organisation_id: int, field: str
) -> Organisation:
    """An organisation named in the input, which the caller must reach (422 if not)."""
    try:
        return get_organisation(session, caller=caller, organisation_id=organisation_id)
    except NotFound:
        raise InvalidInput(f"No organisation with id {organisation_id}", field=field) from None


def organisation_names(session: Session, caller: Caller, ids: set[int]) -> dict[int, str]:
    """Names of the organisations among `ids` that the caller reaches, for showing a list."""
    if not ids:
        return {}
    statement = scoped(select(Organisation.id, Organisation.name), caller, Organisation.id)
    return dict(session.exec(statement.where(Organisation.id.in_(ids))).all())


def schools_reached(session: Session, caller: Caller) -> list[Any]:
    """The schools whose register the caller works with, by name, for filters and forms:
    each row's id and name only (a council reaches hundreds; whole objects cost more to
    load than the rest of its device list page)."""
    statement = scoped(select(Organisation.id, Organisation.name), caller, Organisation.id)
    statement = statement.where(Organisation.kind == OrganisationKind.SCHOOL)
    return list(session.exec(statement.order_by(Organisation.name)).all())


def asker_now(
    session: Session, *, organisation_id: int, user_id: int | None, api_key_id: int | None
) -> Caller | None:
    """Who asked for background work (an import, a batch of handovers), as they are now, so
    the worker reaches no more than they may: None if the user was deactivated or moved,
    or the key revoked, since they asked."""
    if user_id is not None:
        user = session.get(User, user_id)
        if user and user.is_active and user.organisation_id == organisation_id:
            return Caller.for_user(user, session.get_one(Organisation, user.organisation_id))
    elif api_key_id is not None:
        key = session.get(ApiKey, api_key_id)
        if key and key.revoked_at is None and key.organisation_id == organisation_id:
            return Caller.for_api_key(key, session.get_one(Organisation, key.organisation_id))
    return None
