"""Reading the access audit back: what a council's officers may see of who looked at their
families' records, filtered, sorted and exported."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, or_
from sqlmodel import select

from accounts.models import Organisation
from accounts.scoping import visible_organisations
from dfc.audit.models import AccessAudit, AuditAction
from dfc.caller import Caller
from dfc.settings import get_settings

SORTABLE = {
    "id": AccessAudit.id,
    "occurred_at": AccessAudit.occurred_at,
    "actor_name": AccessAudit.actor_name,
    "action": AccessAudit.action,
    "family_id": AccessAudit.family_id,
}
CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_name",
    "actor_user_id",
    "actor_api_key_id",
    "actor_organisation_id",
    "action",
    "subject_type",
    "subject_id",
    "family_id",
    "subject_organisation_id",
    "method",
    "route",
    "path",
)


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None
    user_id: int | None = None
    family_id: int | None = None
    action: AuditAction | None = None
    since: date | None = None
    until: date | None = None


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=get_settings().zone)


def visible_audit(caller: Caller, filters: AuditFilters) -> Select[Any]:
    """Audit rows about records the caller's organisation reaches, or made by its staff;
    dates are whole days on the scheme's clock (Europe/London)."""
    reachable = select(Organisation.id).where(visible_organisations(caller))
    statement = select(AccessAudit).where(
        or_(
            AccessAudit.subject_organisation_id.in_(reachable),
            AccessAudit.actor_organisation_id.in_(reachable),
        )
    )
    if filters.actor:
        pattern = f"%{filters.actor.lower()}%"
        statement = statement.where(func.lower(AccessAudit.actor_name).like(pattern))
    for column, value in (
        (AccessAudit.actor_user_id, filters.user_id),
        (AccessAudit.family_id, filters.family_id),
        (AccessAudit.action, filters.action),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if filters.since:
        statement = statement.where(AccessAudit.occurred_at >= _local_midnight(filters.since))
    if filters.until and filters.until < date(9999, 1, 1):  # no day after the last one
        end = _local_midnight(filters.until + timedelta(days=1))
        statement = statement.where(AccessAudit.occurred_at < end)
    return statement
