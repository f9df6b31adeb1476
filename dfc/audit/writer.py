"""Recording who read or exported a family's personal data.

The services that return personal data for showing or export write the audit rows, through
`record_shown` (or `record_access` inside a change they make): after finding what is shown
(so a 404 records nothing), committed before the data leaves. Routes only hand over where
the data is seen (`SeenAt`, one dependency). One request writes one row per record touched,
with a single INSERT ... SELECT however many there are."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy import Integer, Select, String, insert, literal
from sqlmodel import Session, select

from dfc.audit.models import AccessAudit, AuditAction, SubjectType
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.db_types import UTCDateTime, utcnow
from dfc.listing import Page

# For each kind of subject: its table's id, the family it is about, and who holds it. Each
# domain registers its own beside its table, so the kernel never reads a domain's tables.
SUBJECT_COLUMNS: dict[SubjectType, tuple[Any, Any, Any]] = {}


def register_subject(
    subject_type: SubjectType, *, id_column: Any, family_column: Any, organisation_column: Any
) -> None:
    """Says where a kind of subject lives, so `record_access` can write its audit rows."""
    SUBJECT_COLUMNS[subject_type] = (id_column, family_column, organisation_column)


def _where(request_or_route: Request | Where) -> Where:
    if isinstance(request_or_route, Where):
        return request_or_route
    return Where.of(request_or_route)


def _actor_columns(caller: Caller, where: Where, action: AuditAction, when: datetime) -> list:
    return [
        literal(when, UTCDateTime()).label("occurred_at"),
        literal(caller.user_id, Integer()).label("actor_user_id"),
        literal(caller.api_key_id, Integer()).label("actor_api_key_id"),
        literal(caller.organisation_id, Integer()).label("actor_organisation_id"),
        literal((caller.name or "unnamed")[:200], String()).label("actor_name"),
        literal(action.value, String()).label("action"),
    ]


def _where_columns(where: Where) -> list:
    return [
        literal(where.method, String()).label("method"),
        literal(where.route, String()).label("route"),
        literal(where.path, String()).label("path"),
    ]


def record_access(
    session: Session,
    caller: Caller,
    request_or_route: Request | Where,
    *,
    action: AuditAction,
    subject_type: SubjectType,
    subjects: Iterable[int] | Select[Any],
) -> int:
    """Writes one audit row per subject; `subjects` is their ids or a query whose rows are
    the subjects (the same query the page or export runs). Returns the rows written."""
    id_column, family_column, organisation_column = SUBJECT_COLUMNS[subject_type]
    if isinstance(subjects, Select):
        chosen = (
            subjects.with_only_columns(id_column)
            .order_by(None)
            .limit(None)
            .offset(None)
            .correlate(None)
        )
    else:
        chosen = sorted(set(subjects))
        if not chosen:
            return 0
    where = _where(request_or_route)
    source = select(
        *_actor_columns(caller, where, action, utcnow()),
        literal(subject_type.value, String()).label("subject_type"),
        id_column.label("subject_id"),
        family_column.label("family_id"),
        organisation_column.label("subject_organisation_id"),
        *_where_columns(where),
    ).where(id_column.in_(chosen))
    names = [column.name for column in source.selected_columns]
    result = session.execute(insert(AccessAudit).from_select(names, source))
    return result.rowcount or 0


def record_shown(
    session: Session,
    caller: Caller,
    where: Where,
    *,
    subject_type: SubjectType,
    subjects: Iterable[int] | Select[Any],
    action: AuditAction = AuditAction.READ,
) -> int:
    """Records a read (or export) of these subjects and commits it, so nobody is shown a
    family's data without a trace, even if the rest of the request fails."""
    written = record_access(
        session, caller, where, action=action, subject_type=subject_type, subjects=subjects
    )
    commit_audit(session)
    return written


def commit_audit(session: Session) -> None:
    """Commits the audit rows of a read without expiring what the request loaded to show,
    so serialising a page of rows afterwards does not reload each one."""
    keep = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def record_listing(
    session: Session,
    caller: Caller,
    where: Where,
    found: Page[Any] | Response,
    statement: Select[Any],
    *,
    subject_type: SubjectType = SubjectType.FAMILY,
) -> int:
    """A list page records the subjects on the page it showed; its CSV records every
    subject the export holds (`statement`, the list's own query). Committed, as
    `record_shown`."""
    if isinstance(found, Response):
        return record_shown(
            session,
            caller,
            where,
            action=AuditAction.EXPORT,
            subject_type=subject_type,
            subjects=statement,
        )
    ids = [_id_of(item) for item in found.items]
    return record_shown(session, caller, where, subject_type=subject_type, subjects=ids)


def _id_of(item: Any) -> int:
    if hasattr(item, "_mapping"):
        return item._mapping["id"]
    return item.id


def record_unmatched_search(
    session: Session, caller: Caller, request_or_route: Request | Where
) -> None:
    """A search that found nobody is still recorded (with no subject): someone looked."""
    where = _where(request_or_route)
    session.add(
        AccessAudit(
            actor_user_id=caller.user_id,
            actor_api_key_id=caller.api_key_id,
            actor_organisation_id=caller.organisation_id,
            actor_name=(caller.name or "unnamed")[:200],
            action=AuditAction.SEARCH,
            subject_type=SubjectType.FAMILY,
            method=where.method,
            route=where.route,
            path=where.path,
        )
    )
    session.flush()
