"""Set-based pieces shared by a family's move and a school's conversion: one statement per
table however many rows, and one INSERT ... SELECT for the devices' history."""

from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, cast, func, insert, literal, literal_column, select, update
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session

from devices.models import Device, DeviceEvent
from dfc.db_types import UTCDateTime


def json_object(session: Session, **pairs: Any) -> ColumnElement[Any]:
    """A JSON object built in SQL from columns and values (json_object on SQLite,
    json_build_object on PostgreSQL); keys are written out, values cast to their type."""
    parts: list[Any] = []
    for key, value in pairs.items():
        parts.append(literal_column(f"'{key}'"))  # our own identifiers, never input
        if isinstance(value, ColumnElement) or hasattr(value, "__clause_element__"):
            parts.append(value)
        elif isinstance(value, int):
            parts.append(cast(literal(value), Integer))
        else:
            parts.append(cast(literal(value), String))
    if session.get_bind().dialect.name == "postgresql":
        return func.json_build_object(*parts)
    return func.json(func.json_object(*parts))


def record_moved(
    session: Session,
    *,
    device_ids: Any,
    actor: str,
    action: str,
    when: datetime,
    to_holder_id: int,
    **details: Any,
) -> int:
    """One history row per device in `device_ids` (a list or a query of ids), written
    before the devices change so `before` is their holder as it was."""
    chosen = device_ids if not isinstance(device_ids, list | tuple | set) else list(device_ids)
    source = select(
        Device.id,
        literal(when, UTCDateTime()),
        literal(actor[:200], String()),
        literal(action, String()),
        json_object(session, holder_id=Device.holder_id, status=Device.status),
        json_object(session, holder_id=to_holder_id, status=Device.status, **details),
    ).where(Device.id.in_(chosen))
    names = ["device_id", "occurred_at", "actor", "action", "before", "after"]
    # An INSERT ... SELECT's row count is not reported through psycopg here (-1): counted.
    written = session.scalar(select(func.count()).select_from(source.subquery())) or 0
    session.execute(insert(DeviceEvent).from_select(names, source))
    return written


def move_rows(session: Session, column: Any, to: int, *where: Any) -> int:
    """UPDATE the table of `column` SET column = `to` WHERE ...: the rows it moved."""
    statement = update(column.class_).where(*where).values({column.key: to})
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0
