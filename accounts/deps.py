"""FastAPI dependencies that say who may call an endpoint, declared once.

The API takes a bearer token or an API key in a header; web pages take the session cookie.
Keeping cookies off the API means no API call can be forged from another site.
"""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from accounts import credential_cache
from accounts.api_keys import caller_for_key
from accounts.models import CredentialKind, Role
from accounts.scoping import with_reach
from accounts.secrets import API_KEY_PREFIX, secret_hash
from accounts.sign_in import caller_for_credential
from dfc import clock
from dfc.caller import Caller
from dfc.db import get_session
from dfc.errors import Forbidden, NotSignedIn

SESSION_COOKIE = "dfc_session"

SessionDep = Annotated[Session, Depends(get_session)]
_bearer = HTTPBearer(
    auto_error=False, description="A token from POST /api/auth/token, or an API key"
)
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


async def get_api_caller(
    session: SessionDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key_header)],
) -> Caller:
    """The caller behind an API request's bearer token or API key, or 401."""
    secret = api_key or (bearer.credentials if bearer else None)
    if not secret:
        raise NotSignedIn("Send 'Authorization: Bearer <token>' or 'X-API-Key: <key>'")

    def check() -> Caller | None:
        if secret.startswith(API_KEY_PREFIX):
            found = caller_for_key(session, secret=secret)
            session.commit()  # keeps last_used_at even if the request later fails
        else:
            found = caller_for_credential(session, secret=secret, kind=CredentialKind.API_TOKEN)
        return found and with_reach(session, found)

    # The day is in the key: a key's sharing agreement is checked afresh when a day starts.
    key = f"api:{clock.today().isoformat()}:{secret_hash(secret)}"
    caller = await credential_cache.remembered(key, check)
    if caller is None:
        raise NotSignedIn("The token or API key is not valid, has expired or was revoked")
    return caller


async def get_page_caller(request: Request, session: SessionDep) -> Caller | None:
    """The signed-in member of staff behind a page request, or None."""
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None

    def check() -> Caller | None:
        found = caller_for_credential(session, secret=secret, kind=CredentialKind.WEB_SESSION)
        return found and with_reach(session, found)

    return await credential_cache.remembered(f"page:{secret_hash(secret)}", check)


ApiCaller = Annotated[Caller, Depends(get_api_caller)]
PageCaller = Annotated[Caller | None, Depends(get_page_caller)]


def api_roles(*roles: Role) -> Callable[[Caller], Caller]:
    """A dependency that lets through only staff with one of `roles`."""

    async def require(caller: ApiCaller) -> Caller:  # async: no thread for a check
        if not caller.has_role(*roles):
            names = ", ".join(role.value for role in roles)
            raise Forbidden(f"This needs one of these roles: {names}")
        return caller

    return require


StaffManager = Annotated[Caller, Depends(api_roles(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER))]
