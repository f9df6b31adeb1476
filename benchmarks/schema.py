"""Bulk-load practice: set aside secondary indexes, unique and foreign-key constraints while
rows go in, then build them back exactly as the migrations made them (read from the
catalogue, so a new migration needs no change here)."""

from dataclasses import dataclass

import psycopg
from psycopg import sql

KEPT_OUT = ("alembic_version",)


@dataclass(frozen=True)
class Deferred:
    """An index or constraint taken off a table, with the SQL that puts it back."""

    table: str
    name: str
    kind: str  # "index", "unique" or "foreign key"
    definition: str

    def drop(self) -> sql.Composable:
        if self.kind == "index":
            return sql.SQL("DROP INDEX {}").format(sql.Identifier(self.name))
        return sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(
            sql.Identifier(self.table), sql.Identifier(self.name)
        )

    def create(self) -> sql.Composable:
        if self.kind == "index":
            return sql.SQL(self.definition)  # pg_get_indexdef: a complete CREATE INDEX
        return sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
            sql.Identifier(self.table), sql.Identifier(self.name), sql.SQL(self.definition)
        )


_CONSTRAINTS = """
SELECT c.conrelid::regclass::text, c.conname,
       CASE c.contype WHEN 'u' THEN 'unique' ELSE 'foreign key' END,
       pg_get_constraintdef(c.oid)
FROM pg_constraint c
WHERE c.connamespace = 'public'::regnamespace AND c.contype IN ('u', 'f')
  AND c.conrelid::regclass::text <> ALL(%s)
"""
_INDEXES = """
SELECT t.relname, i.relname, 'index', pg_get_indexdef(x.indexrelid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class t ON t.oid = x.indrelid
WHERE t.relnamespace = 'public'::regnamespace AND t.relname <> ALL(%s)
  AND NOT EXISTS (
      SELECT 1 FROM pg_constraint c
      WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x'))
"""


def set_aside(connection: psycopg.Connection) -> list[Deferred]:
    """Drops every secondary index, unique and foreign key in `public`; returns them."""
    found: list[Deferred] = []
    for query in (_CONSTRAINTS, _INDEXES):
        rows = connection.execute(query, [list(KEPT_OUT)]).fetchall()
        found.extend(Deferred(*row) for row in rows)
    order = {"foreign key": 0, "unique": 1, "index": 2}
    for item in sorted(found, key=lambda item: order[item.kind]):
        connection.execute(item.drop())
    return found


def restore(connection: psycopg.Connection, deferred: list[Deferred], table: str) -> int:
    """Rebuilds what `set_aside` took off `table`: indexes, then unique, then foreign keys.
    Returns how many were rebuilt."""
    order = {"index": 0, "unique": 1, "foreign key": 2}
    mine = sorted((d for d in deferred if d.table == table), key=lambda d: order[d.kind])
    for item in mine:
        connection.execute(item.create())
    return len(mine)


def reset_sequences(connection: psycopg.Connection, tables: list[str]) -> None:
    """Rows were given explicit ids; each id sequence continues after the largest."""
    for table in tables:
        statement = sql.SQL(
            "SELECT setval(pg_get_serial_sequence({name}, 'id'), coalesce(max(id), 0) + 1, false)"
            " FROM {table}"
        ).format(name=sql.Literal(table), table=sql.Identifier(table))
        connection.execute(statement)
