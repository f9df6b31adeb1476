"""Writing "already raised" marks many at once (alert_raised), as the outbox's bulk path
writes messages: one INSERT … SELECT FROM unnest(…) a batch on PostgreSQL, a key already
there left as it is (ON CONFLICT DO NOTHING), so two runs at once cannot raise one alert
twice."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import text
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from dfc.db_types import utcnow
from notifications.models import AlertRaised

BATCH = 20000


class Mark(NamedTuple):
    """One alert raised: its key, and the key's parts the scan's queries look at."""

    key: str
    organisation_id: int | None
    kind: str
    item_id: int | None = None
    threshold: int | None = None
    ends_on: date | None = None


COLUMNS = {
    "key": "varchar",
    "organisation_id": "integer",
    "kind": "varchar",
    "item_id": "integer",
    "threshold": "integer",
    "ends_on": "date",
}
POSTGRESQL_INSERT = (
    f"INSERT INTO alert_raised ({', '.join(COLUMNS)}, raised_at) "  # noqa: S608 (constant names)
    "SELECT *, CAST(:raised_at AS timestamptz) FROM unnest("
    + ", ".join(f"CAST(:{name} AS {kind}[])" for name, kind in COLUMNS.items())
    + ") ON CONFLICT (key) DO NOTHING"
)


def mark_raised(
    session: Session, marks: Iterable[Mark], *, now: datetime | None = None
) -> list[str]:
    """Writes each mark whose key is new; returns those keys, in no particular order."""
    now = now or utcnow()
    session.flush()
    written: list[str] = []
    batch: list[Mark] = []
    for mark in marks:
        batch.append(mark)
        if len(batch) == BATCH:
            written.extend(_write(session, batch, now))
            batch = []
    if batch:
        written.extend(_write(session, batch, now))
    return written


def _write(session: Session, batch: Sequence[Mark], now: datetime) -> list[str]:
    if session.get_bind().dialect.name == "postgresql":
        values: dict[str, Any] = {name: [getattr(mark, name) for mark in batch] for name in COLUMNS}
        statement = text(POSTGRESQL_INSERT + " RETURNING key")
        return list(session.execute(statement, {**values, "raised_at": now}).scalars())
    table = AlertRaised.__table__
    statement = (
        sqlite_insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    )
    rows = [{**mark._asdict(), "raised_at": now} for mark in batch]
    return list(session.execute(statement, rows).scalars())
