"""The register's domain errors; each says what is wrong and what to do."""

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from dfc.db import flush_or_undo
from dfc.errors import Conflict


class IllegalTransition(Conflict):
    """The device's status does not allow this action now."""

    code = "illegal-transition"


class DeviceAlreadyAllocated(Conflict):
    code = "already-allocated"


class LicenceFull(Conflict):
    code = "licence-full"


class DuplicateRecord(Conflict):
    code = "duplicate"


def flush_or_duplicate(session: Session, message: str, *, field: str | None = None) -> None:
    """Writes what is pending in a savepoint; a unique index that says no becomes a 409 with
    `message`, and only this write is undone: the caller's transaction carries on."""
    try:
        flush_or_undo(session)  # a refusal undoes this write only
    except IntegrityError:
        raise DuplicateRecord(message, field=field) from None


class PastEndOfUpdates(Conflict):
    """The device gets no more security updates; giving it out needs a reason."""

    code = "past-end-of-updates"
