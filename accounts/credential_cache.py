"""Credential checks remembered for a few seconds in each web process, so a burst of API
calls or page views costs one look-up of the token, session or key, not one a request.

Safe by construction: only a check that succeeded is kept, keyed by the secret's hash (the
secret itself is never held), for CREDENTIAL_CACHE_SECONDS (5 by default, 0 turns it off).
Any change this process writes to a credential, key, user, organisation or sharing agreement
(a revocation, a sign-out, a deactivation, a new school) forgets everything at once; a change
made by another process is seen within CREDENTIAL_CACHE_SECONDS. So a revoked key or session
stops working within that window everywhere, and at once where it was revoked; one that
expires works at most that long past its expiry; an API key's remembered check is keyed by
the day too, so its sharing agreement's dates are checked afresh when a day starts.
"""

import threading
import time
from collections.abc import Callable

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dfc.caller import Caller
from dfc.settings import get_settings

MAX_ENTRIES = 10_000
WATCHED_TABLES = frozenset(
    {"credential", "api_key", "staff_user", "organisation", "sharing_agreement"}
)
# Written on every sign-in or use; they change nothing about who a credential stands for.
BOOKKEEPING = frozenset({"last_used_at", "last_signed_in_at", "failed_sign_ins", "locked_until"})

_clock = time.monotonic
_entries: dict[str, tuple[float, Caller]] = {}
_lock = threading.Lock()


def recall(key: str) -> Caller | None:
    """The caller a check found for `key` (a kind and a secret's hash) within the last
    CREDENTIAL_CACHE_SECONDS, if any."""
    found = _entries.get(key)
    if found is not None and found[0] > _clock():
        return found[1]
    return None


def keep(key: str, caller: Caller | None) -> None:
    """Remembers a check that let the caller in; one that did not forgets the key."""
    lifetime = get_settings().CREDENTIAL_CACHE_SECONDS
    with _lock:
        if caller is None or lifetime <= 0:
            _entries.pop(key, None)
            return
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (_clock() + lifetime, caller)


async def remembered(key: str, check: Callable[[], Caller | None]) -> Caller | None:
    """The remembered caller for `key`, found on the event loop; else `check`'s answer, run
    in a worker thread (it asks the database) and kept if it let the caller in."""
    caller = recall(key)
    if caller is None:
        caller = await run_in_threadpool(check)
        keep(key, caller)
    return caller


def forget_all() -> None:
    """Every remembered check is made again on its next use."""
    with _lock:
        _entries.clear()


def _changes_who_is_calling(instance: object) -> bool:
    if getattr(instance, "__tablename__", None) not in WATCHED_TABLES:
        return False
    state = inspect(instance)
    return any(
        attribute.key not in BOOKKEEPING and attribute.history.has_changes()
        for attribute in state.attrs
    )


@event.listens_for(Session, "after_flush")
def _forget_on_change(session: Session, _context: object) -> None:
    """A revocation, a role, an organisation's schools: whatever a cached caller rests on."""
    if any(
        getattr(instance, "__tablename__", None) in WATCHED_TABLES
        for instance in (*session.new, *session.deleted)
    ) or any(_changes_who_is_calling(instance) for instance in session.dirty):
        forget_all()
