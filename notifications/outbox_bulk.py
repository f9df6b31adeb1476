"""Putting many messages in the outbox at once (the daily scan's texts and digests): the
same rows `enqueue` makes, one rule (`outbox.compose`), written a batch at a time (on
PostgreSQL by COPY: notifications.bulk_insert). A key already in the outbox makes no second
row (left out after one look-up a batch, or skipped by ON CONFLICT DO NOTHING if another
transaction writes it meanwhile); numbers that opted out are found in one query a batch;
the messages ready to send are handed to the broker once the transaction commits, as
`enqueue` does."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg.errors import UniqueViolation
from sqlalchemy import String, any_, bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from dfc.db_types import utcnow
from notifications.bulk_insert import copy_insert, copy_rows
from notifications.consent import opted_out_among
from notifications.dispatch import send_many_after_commit
from notifications.models import Channel, MessageStatus, OutboxMessage
from notifications.outbox import Recipient, compose, may_cancel, might_go_by_whatsapp
from notifications.whatsapp import whatsapp_numbers_among

BATCH = 20000  # rows a batch: some 10 MB of text at most


@dataclass(frozen=True)
class Outgoing:
    """One message to enqueue: what `enqueue` takes, as a value."""

    key: str
    recipient: Recipient
    template: str
    context: dict[str, Any]
    rendered: tuple[str | None, str] | None = None  # render's (subject, body), if known


COLUMNS = (
    "idempotency_key",
    "organisation_id",
    "audience",
    "channel",
    "recipient",
    "locale",
    "template",
    "subject",
    "body",
    "variables",
    "segments",
    "encoding",
    "status",
    "error",
    "next_attempt_at",
    "created_at",
    "handed_over_at",
)
DEFAULTS = {"attempts": "0", "outbox_only": "false"}
EXISTING_KEYS = select(OutboxMessage.idempotency_key).where(
    OutboxMessage.idempotency_key == any_(bindparam("keys", type_=ARRAY(String)))
)
NEXT_IDS = text(
    "SELECT nextval(pg_get_serial_sequence('outbox_message', 'id')) FROM generate_series(1, :count)"
)


def enqueue_many(
    session: Session, messages: Iterable[Outgoing], *, now: datetime | None = None
) -> int:
    """Writes every message whose key is new (the first of a key repeated in `messages`);
    returns how many rows were made. Rows are flushed, not committed, as with `enqueue`."""
    now = now or utcnow()
    session.flush()  # rows the session holds go first, as they would with enqueue
    made, batch, seen = 0, [], set()
    for message in messages:
        if message.key in seen:
            continue
        seen.add(message.key)
        batch.append(message)
        if len(batch) == BATCH:
            made += _write(session, batch, now)
            batch = []
    if batch:
        made += _write(session, batch, now)
    return made


def _write(session: Session, batch: list[Outgoing], now: datetime) -> int:
    numbers = {m.recipient.address for m in batch if may_cancel(m.recipient, m.template)}
    opted_out = opted_out_among(session, numbers)
    on_whatsapp = whatsapp_numbers_among(
        session,
        {m.recipient.address for m in batch if might_go_by_whatsapp(m.recipient, m.template)},
    )
    rows = [
        compose(
            m.recipient,
            key=m.key,
            template=m.template,
            context=m.context,
            now=now,
            opted_out=m.recipient.address in opted_out,
            prefers_whatsapp=m.recipient.address in on_whatsapp,
            rendered=m.rendered,
        )
        for m in batch
    ]
    if session.get_bind().dialect.name == "postgresql":
        written = _insert_postgresql(session, rows)
    else:
        written = _insert_other(session, rows)
    send_many_after_commit(
        session,
        [
            (id_, Channel(channel))
            for id_, channel, status in written
            if status == MessageStatus.PENDING
        ],
    )
    return len(written)


def _insert_postgresql(session: Session, rows: list[dict[str, Any]]) -> list[Any]:
    """The batch's new keys straight in by COPY, in key order, with ids taken from the
    sequence first (so each row is written once: COPY alone runs at nine tenths of the
    speed of INSERT … SELECT inside the database). If another transaction wrote one of the
    keys meanwhile, the batch takes the path that skips them (ON CONFLICT DO NOTHING)."""
    keys = [row["idempotency_key"] for row in rows]
    existing = set(session.execute(EXISTING_KEYS, {"keys": keys}).scalars())
    fresh = sorted(
        (row for row in rows if row["idempotency_key"] not in existing),
        key=lambda row: row["idempotency_key"],
    )
    if not fresh:
        return []
    ids = session.execute(NEXT_IDS, {"count": len(fresh)}).scalars().all()
    savepoint = session.begin_nested()
    try:
        copy_rows(
            session,
            "outbox_message",
            ("id", *COLUMNS, *DEFAULTS),
            ([id_, *_plain(row), 0, False] for id_, row in zip(ids, fresh, strict=True)),
        )
    except UniqueViolation:  # written by another transaction since the look-up
        savepoint.rollback()
        return _insert_skipping_existing(session, rows)
    savepoint.commit()
    return [(id_, row["channel"], row["status"]) for id_, row in zip(ids, fresh, strict=True)]


def _insert_skipping_existing(session: Session, rows: list[dict[str, Any]]) -> list[Any]:
    """COPY into a staging table, then one INSERT … SELECT … ON CONFLICT DO NOTHING."""
    return copy_insert(
        session,
        "outbox_message",
        COLUMNS,
        (_plain(row) for row in rows),
        conflict="idempotency_key",
        constants=DEFAULTS,
        returning="id, channel, status",
        order_by="idempotency_key",
    )


def _insert_other(session: Session, rows: list[dict[str, Any]]) -> list[Any]:
    """SQLite: the same rows through SQLAlchemy's batched INSERT … RETURNING."""
    table = OutboxMessage.__table__
    statement = (
        sqlite_insert(table)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(table.c.id, table.c.channel, table.c.status)
    )
    rows = [{**row, "attempts": 0, "outbox_only": False} for row in rows]
    return list(session.execute(statement, rows))


ENUM_POSITIONS = [COLUMNS.index(name) for name in ("audience", "channel", "status")]


def _plain(row: dict[str, Any]) -> list[Any]:
    """The row's values in COLUMNS order, enum members as their stored string."""
    values = [row[name] for name in COLUMNS]
    for position in ENUM_POSITIONS:
        values[position] = values[position].value
    return values
