"""Writing "already raised" marks many at once (alert_raised), as the outbox's bulk path
writes messages (on PostgreSQL COPY and one INSERT … SELECT: notifications.bulk_insert),
a key already there left as it is (ON CONFLICT DO NOTHING), so two runs at once cannot
raise one alert twice."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from dfc.db_types import utcnow
from notifications.bulk_insert import copy_insert
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


COLUMNS = ("key", "organisation_id", "kind", "item_id", "threshold", "ends_on")


def mark_raised(
    session: Session,
    marks: Iterable[Mark],
    *,
    now: datetime | None = None,
    keys_written: bool = False,
) -> list[str]:
    """Writes each mark whose key is new; with `keys_written`, returns those keys (in no
    particular order), else nothing."""
    now = now or utcnow()
    session.flush()
    written: list[str] = []
    batch: list[Mark] = []
    for mark in marks:
        batch.append(mark)
        if len(batch) == BATCH:
            written.extend(_write(session, batch, now, keys_written))
            batch = []
    if batch:
        written.extend(_write(session, batch, now, keys_written))
    return written


def _write(session: Session, batch: Sequence[Mark], now: datetime, keys_written: bool) -> list[str]:
    if session.get_bind().dialect.name == "postgresql":
        written = copy_insert(
            session,
            "alert_raised",
            COLUMNS,
            batch,
            conflict="key",
            constants={"raised_at": "CAST(:raised_at AS timestamptz)"},
            parameters={"raised_at": now},
            returning="key" if keys_written else None,
            order_by="key",
        )
        return [key for (key,) in written]
    table = AlertRaised.__table__
    statement = (
        sqlite_insert(table).on_conflict_do_nothing(index_elements=["key"]).returning(table.c.key)
    )
    rows = [{**mark._asdict(), "raised_at": now} for mark in batch]
    found = list(session.execute(statement, rows).scalars())
    return found if keys_written else []
