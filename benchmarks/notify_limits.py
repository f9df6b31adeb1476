"""The limits the daily scan is measured against, in the scan's own transaction: the same
rows written by one INSERT … SELECT, and the scan's queries as raw SQL through psycopg."""

import time
from datetime import date
from typing import Any

from sqlalchemy import Engine, text
from sqlmodel import Session

from benchmarks.explain import literal_sql
from benchmarks.notify_report import Cell
from devices import alert_queries
from notifications.outbox_bulk import COLUMNS

# What migration 0018 adds, for a dataset still at 0017: made inside the benchmark's
# transaction, so the rollback takes it away again (DDL is transactional in PostgreSQL).
ALERT_COLUMNS_DDL = (
    "ALTER TABLE alert_raised ADD COLUMN kind varchar(40), ADD COLUMN item_id integer, "
    "ADD COLUMN threshold integer, ADD COLUMN ends_on date",
    "CREATE INDEX ix_alert_raised_item ON alert_raised (kind, item_id, ends_on, threshold)",
)


def ensure_alert_columns(session: Session) -> bool:
    """Adds 0018's columns in this transaction if the dataset lacks them; True if it did."""
    present = session.execute(
        text(
            "SELECT 1 FROM information_schema.columns "
            "WHERE table_name = 'alert_raised' AND column_name = 'kind'"
        )
    ).first()
    if present:
        return False
    for statement in ALERT_COLUMNS_DDL:
        session.execute(text(statement))
    return True


_COPY = ", ".join(COLUMNS)
INSERT_SELECT = text(
    f"INSERT INTO outbox_message ({_COPY}, attempts, outbox_only) "  # noqa: S608 (constant names)
    f"SELECT idempotency_key || '+again', {_COPY.split(', ', 1)[1]}, attempts, outbox_only "
    "FROM outbox_message WHERE id > :after ON CONFLICT (idempotency_key) DO NOTHING"
)


def insert_select(session: Session, after_id: int) -> tuple[float, int]:
    """(ms, rows): the first scan's messages written again by one INSERT … SELECT, in a
    savepoint rolled back at once."""
    savepoint = session.begin_nested()
    try:
        started = time.perf_counter()
        rows = session.execute(INSERT_SELECT, {"after": after_id}).rowcount
        return (time.perf_counter() - started) * 1000, rows
    finally:
        savepoint.rollback()


def copy_in(session: Session, after_id: int) -> tuple[float, int]:
    """(ms, rows): the first scan's messages, read back (not timed), written again by one
    COPY from this process, as the bulk path sends them, in a savepoint rolled back at once."""
    rows = [
        (f"{row[0]}+copy", *row[1:])
        for row in session.execute(
            text(f"SELECT {_COPY} FROM outbox_message WHERE id > :after"),  # noqa: S608 (constant names)
            {"after": after_id},
        )
    ]
    savepoint = session.begin_nested()
    # Asked for after the savepoint began, so that it is there before the COPY.
    driver: Any = session.connection().connection.driver_connection
    try:
        started = time.perf_counter()
        with (
            driver.cursor() as cursor,
            cursor.copy(f"COPY outbox_message ({_COPY}, attempts, outbox_only) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row((*row, 0, False))
        return (time.perf_counter() - started) * 1000, len(rows)
    finally:
        savepoint.rollback()


def raw_queries(
    session: Session, engine: Engine, policies: alert_queries.Policies, today: date
) -> dict[str, Cell]:
    """Each of the scan's queries, compiled with its values written in, run by psycopg on the
    scan's own connection (it sees the transaction's marks), every row fetched."""
    texts = [
        (kind, literal_sql(engine, statement))
        for kind, statement in alert_queries.scan_statements(policies, today).items()
    ]
    raw: Any = session.connection().connection.driver_connection
    cells: dict[str, Cell] = {}
    with raw.cursor() as cursor:
        for kind, sql in texts:
            started = time.perf_counter()
            cursor.execute(sql.encode())
            rows = cursor.fetchall()
            cells[kind] = Cell(ms=(time.perf_counter() - started) * 1000, rows=len(rows))
    return cells
