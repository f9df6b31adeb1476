"""API keys for machine integrations: made for one organisation, shown once, revocable."""

from sqlalchemy import Select, func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.key_agreements import check_key_agreement, reach_of_key
from accounts.models import ApiKey, Organisation, Role
from accounts.organisations import get_organisation
from accounts.schemas import ApiKeyCreate
from accounts.scoping import scoped
from accounts.secrets import API_KEY_PREFIX, new_secret, secret_hash
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Forbidden, InvalidInput, NotFound

DISPLAY_PREFIX_LENGTH = len(API_KEY_PREFIX) + 6


def _require_key_manager(caller: Caller) -> None:
    if not caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        raise Forbidden("Only scheme admins and council officers can manage API keys")


def visible_keys(caller: Caller) -> SelectOfScalar[ApiKey]:
    return scoped(select(ApiKey), caller, ApiKey.organisation_id)


def get_key(session: Session, *, caller: Caller, key_id: int) -> ApiKey:
    key = session.exec(visible_keys(caller).where(ApiKey.id == key_id)).one_or_none()
    if key is None:
        raise NotFound(f"No API key with id {key_id}")
    return key


def create_key(session: Session, *, caller: Caller, key_in: ApiKeyCreate) -> tuple[ApiKey, str]:
    """A new key and its secret, which is returned this once and never stored."""
    _require_key_manager(caller)
    try:
        get_organisation(session, caller=caller, organisation_id=key_in.organisation_id)
    except NotFound:
        raise InvalidInput(
            f"No organisation with id {key_in.organisation_id}", field="organisation_id"
        ) from None
    if key_in.agreement_id is not None:
        check_key_agreement(
            session,
            caller=caller,
            agreement_id=key_in.agreement_id,
            key_organisation_id=key_in.organisation_id,
        )
    secret = new_secret(API_KEY_PREFIX)
    key = ApiKey(
        organisation_id=key_in.organisation_id,
        agreement_id=key_in.agreement_id,
        name=key_in.name,
        prefix=secret[:DISPLAY_PREFIX_LENGTH],
        secret_hash=secret_hash(secret),
        created_by_id=caller.user_id,
    )
    session.add(key)
    session.flush()
    return key, secret


def revoke_key(session: Session, *, caller: Caller, key_id: int) -> ApiKey:
    key = get_key(session, caller=caller, key_id=key_id)
    _require_key_manager(caller)
    if key.revoked_at is None:
        key.revoked_at = utcnow()
        session.add(key)
        session.flush()
    return key


def caller_for_key(session: Session, *, secret: str) -> Caller | None:
    """The integration a key stands for, if the key is live; notes when it was last used."""
    row = session.exec(
        select(ApiKey, Organisation)
        .join(Organisation, Organisation.id == ApiKey.organisation_id)
        .where(ApiKey.secret_hash == secret_hash(secret), ApiKey.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    key, organisation = row
    key.last_used_at = utcnow()
    session.add(key)
    if key.agreement_id is None:
        return Caller.for_api_key(key, organisation)
    # Raises 403 outside the agreement's dates: the key is genuine, the sharing is not allowed.
    covered = reach_of_key(session, agreement_id=key.agreement_id, key_name=key.name)
    return Caller.for_api_key(key, organisation, data_categories=covered)


SUMMARY_SORTABLE = {
    "id": ApiKey.id,
    "name": ApiKey.name,
    "organisation": Organisation.name,
    "created_at": ApiKey.created_at,
    "last_used_at": ApiKey.last_used_at,
    "revoked_at": ApiKey.revoked_at,
}


def key_summaries(
    caller: Caller, *, revoked: bool | None = None, search: str | None = None
) -> Select:
    """Keys the caller can see with their organisation's name; never the secret's hash."""
    statement = scoped(
        select(
            ApiKey.id,
            ApiKey.name,
            ApiKey.prefix,
            ApiKey.organisation_id,
            Organisation.name.label("organisation_name"),
            ApiKey.created_at,
            ApiKey.last_used_at,
            ApiKey.revoked_at,
        ).join(Organisation, Organisation.id == ApiKey.organisation_id),
        caller,
        ApiKey.organisation_id,
    )
    if revoked is True:
        statement = statement.where(ApiKey.revoked_at.is_not(None))
    elif revoked is False:
        statement = statement.where(ApiKey.revoked_at.is_(None))
    if search:
        statement = statement.where(func.lower(ApiKey.name).like(f"%{search.lower()}%"))
    return statement


def count_live_keys(session: Session, *, caller: Caller) -> int:
    statement = key_summaries(caller, revoked=False).with_only_columns(func.count(ApiKey.id))
    return int(session.exec(statement).scalar_one())
