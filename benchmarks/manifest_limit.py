"""The manifest import's limit: COPY of exactly the rows the import wrote. The rows are
found from the transaction's own insert counts (pg_stat_xact_user_tables) and read back with
COPY TO, so the limit covers every table the import writes, whatever that becomes; COPY FROM
then writes the same bytes again, with the same ids, indexes and foreign keys."""

import time
from dataclasses import dataclass, field

from psycopg import sql
from sqlalchemy import Connection

_INSERTED = "SELECT relname, n_tup_ins FROM pg_stat_xact_user_tables"


@dataclass
class Written:
    """What an import wrote: rows a table, and those rows as COPY's text."""

    rows: dict[str, int] = field(default_factory=dict)
    data: dict[str, bytes] = field(default_factory=dict)

    def total(self) -> int:
        return sum(self.rows.values())

    def describe(self) -> str:
        return ", ".join(f"{table} {rows:,}" for table, rows in sorted(self.rows.items()))


def inserted(connection: Connection) -> dict[str, int]:
    """Rows inserted so far in this transaction, a table (aborted savepoints included)."""
    return dict(connection.exec_driver_sql(_INSERTED).tuples().all())


_WITH_IDS = """
SELECT table_name FROM information_schema.columns
WHERE table_schema = 'public' AND column_name = 'id' AND data_type IN ('integer', 'bigint')
"""


def largest_ids(connection: Connection) -> dict[str, int]:
    """Each table's largest id now: what an import adds comes after."""
    largest = {}
    for table in connection.exec_driver_sql(_WITH_IDS).scalars().all():
        statement = sql.SQL("SELECT coalesce(max(id), 0) FROM {}").format(sql.Identifier(table))
        largest[table] = connection.exec_driver_sql(_text(connection, statement)).scalar_one()
    return largest


def _text(connection: Connection, statement: sql.Composable) -> str:
    raw = connection.connection.dbapi_connection
    return statement.as_string(raw)  # type: ignore[arg-type]


def read_written(
    connection: Connection,
    *,
    before: dict[str, int],
    counts: dict[str, int],
    ids_from: dict[str, int],
) -> Written:
    """The rows with ids above `ids_from` in each table whose insert count grew since
    `before`: those the import just wrote (nobody else's uncommitted rows are visible)."""
    written = Written()
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    for table, now in sorted(counts.items()):
        added = now - before.get(table, 0)
        if added <= 0:
            continue
        query = sql.SQL("COPY (SELECT * FROM {} WHERE id > {} ORDER BY id) TO STDOUT").format(
            sql.Identifier(table), sql.Literal(ids_from[table])
        )
        chunks = []
        with cursor.copy(query) as copy:
            chunks.extend(bytes(chunk) for chunk in copy)
        written.rows[table] = added
        written.data[table] = b"".join(chunks)
        lines = written.data[table].count(b"\n")
        if lines != added:
            raise RuntimeError(f"{table}: {added} rows inserted but {lines} found by id")
    return written


def copy_written(connection: Connection, written: Written) -> float:
    """Writes `written` again with COPY FROM, parents before children; seconds taken."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    order = ("device", "dongle", "sim")  # what the other tables refer to
    tables = sorted(written.data, key=lambda t: (order.index(t) if t in order else len(order), t))
    started = time.perf_counter()
    for table in tables:
        statement = sql.SQL("COPY {} FROM STDIN").format(sql.Identifier(table))
        with cursor.copy(statement) as copy:
            copy.write(written.data[table])
    return time.perf_counter() - started
