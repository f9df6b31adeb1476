"""Bulk inserts for imports, inside the session's own transaction, values converted column by
column by the columns' own types. PostgreSQL gets COPY, with ids drawn from the table's
sequence first, so rows that refer to new rows are written without reading anything back:
the client builds rows while the server inserts those already sent. SQLite gets the
driver's own executemany, with ids counted on from the table's largest under the write lock
the import holds: the ORM's bulk insert took 11 of the 17 seconds a 100,000-row manifest held
SQLite's only write lock, and every web request that wanted to write waited that long."""

from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

from devices.imports.common import on_postgresql
from dfc.db import lock_for_writing

Rows = list[dict[str, Any]]
Values = list[tuple[Any, ...]]
STREAM_ROWS = 500  # rows converted at a time, a few dozen kilobytes of COPY data


def _by_columns(
    session: Session, model: type[SQLModel], columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Values:
    """`rows` with each value as the driver takes it, converted a column at a time: most
    columns need no conversion at all, and the others one call a value."""
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect
    by_column = [list(values) for values in zip(*rows, strict=True)]
    if not by_column:
        return []
    for index, column in enumerate(columns):
        to_db = table.c[column].type._cached_bind_processor(dialect)
        if to_db is not None:
            values = by_column[index]
            by_column[index] = [None if value is None else to_db(value) for value in values]
    return list(zip(*by_column, strict=True))


def _copy(session: Session, table: str, columns: Sequence[str], batches: Iterator[Values]) -> None:
    """One COPY for every batch: the next batch is converted while the server inserts the
    last one's rows."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(column) for column in columns)
    )
    connection = session.connection().connection.dbapi_connection
    try:
        with connection.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[union-attr]
            for batch in batches:
                for row in batch:
                    copy.write_row(row)
    except psycopg.errors.IntegrityError as error:
        # What SQLAlchemy raises for the same failure, so callers handle one kind.
        raise IntegrityError(statement.as_string(connection), None, error) from error


def _executemany(session: Session, table: str, columns: Sequence[str], rows: Values) -> None:
    names = ", ".join(f'"{column}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    session.connection().exec_driver_sql(
        f'INSERT INTO "{table}" ({names}) VALUES ({marks})',  # noqa: S608 (our own names)
        rows,
    )


def _batches(rows: Iterable[Sequence[Any]]) -> Iterator[list[Sequence[Any]]]:
    rows = iter(rows)
    while batch := list(islice(rows, STREAM_ROWS)):
        yield batch


def insert_values(
    session: Session,
    model: type[SQLModel],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
) -> None:
    """Adds `rows`, each a sequence of values in `columns`' order, to `model`'s table."""
    batches = (_by_columns(session, model, columns, batch) for batch in _batches(rows))
    first = next(batches, None)
    if first is None:
        return
    table = model.__tablename__
    if on_postgresql(session):
        _copy(session, table, columns, chain([first], batches))  # type: ignore[arg-type]
    else:
        for batch in chain([first], batches):
            _executemany(session, table, columns, batch)  # type: ignore[arg-type]


def insert_rows(session: Session, model: type[SQLModel], rows: Rows) -> None:
    """Adds `rows` (dicts with the same keys) to `model`'s table."""
    if rows:
        columns = list(rows[0])
        insert_values(session, model, columns, ([row[c] for c in columns] for row in rows))


def new_ids(session: Session, model: type[SQLModel], count: int) -> list[int]:
    """`count` ids for rows about to be added to `model`'s table, so the rows that refer to
    them can be built before anything is written."""
    if count == 0:
        return []
    if on_postgresql(session):
        sequence = func.pg_get_serial_sequence(model.__tablename__, "id")
        series = func.generate_series(1, count)
        return list(session.execute(select(func.nextval(sequence)).select_from(series)).scalars())
    lock_for_writing(session)  # no other writer until commit, so the ids stay ours
    table_id = model.__table__.c["id"]  # type: ignore[attr-defined]
    largest = session.execute(select(func.coalesce(func.max(table_id), 0))).scalar_one()
    return list(range(largest + 1, largest + 1 + count))


def update_rows(session: Session, model: type[SQLModel], rows: Rows) -> None:
    """Sets each of `rows`' columns on the row of `model`'s table with its "id" (dicts with
    the same keys). PostgreSQL gets one UPDATE ... FROM unnest() of a column array each:
    one statement for any number of rows, where updating by primary key is one statement a
    row; SQLite the ORM's own executemany."""
    if not rows:
        return
    if not on_postgresql(session):
        session.execute(update(model), rows)
        return
    table = model.__table__  # type: ignore[attr-defined]
    dialect = session.get_bind().dialect
    columns = list(rows[0])
    values = _by_columns(session, model, columns, ([row[c] for c in columns] for row in rows))
    arrays = [list(column) for column in zip(*values, strict=True)]
    sources = ", ".join(f"%s::{table.c[c].type.compile(dialect)}[]" for c in columns)
    names = ", ".join(f'"{column}"' for column in columns)
    assignments = ", ".join(f'"{c}" = s."{c}"' for c in columns if c != "id")
    session.connection().exec_driver_sql(
        f'UPDATE "{table.name}" AS t SET {assignments} '  # noqa: S608 (our own names)
        f"FROM unnest({sources}) AS s({names}) WHERE t.id = s.id",
        tuple(arrays),
    )
