"""The benchmark's own PostgreSQL database: its URL, creating and dropping it, raw links."""

import re
from datetime import date

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dfc_bench"
NEVER_TOUCH = frozenset({"test", "postgres", "template0", "template1"})
_META = re.compile(r"scale=(?P<scale>[0-9.]+) today=(?P<today>\d{4}-\d{2}-\d{2})")


class UnsafeDatabase(RuntimeError):
    """The URL names a database the benchmark must not empty."""


def database_name(url: str) -> str:
    return make_url(url).database or ""


def libpq_url(url: str, database: str | None = None) -> str:
    """`url` as psycopg wants it (no `+psycopg`), optionally for another database."""
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


def check_safe(url: str) -> None:
    """Refuses the test suite's database and anything not named for benchmarks: generating
    empties the database first."""
    name = database_name(url)
    if make_url(url).get_backend_name() != "postgresql":
        raise UnsafeDatabase(f"{url}: the benchmarks need PostgreSQL")
    if name in NEVER_TOUCH or "bench" not in name:
        raise UnsafeDatabase(
            f"refusing to empty database {name!r}: use one whose name contains 'bench'"
        )


def connect(url: str, *, autocommit: bool = True) -> psycopg.Connection:
    return psycopg.connect(libpq_url(url), autocommit=autocommit)


def ensure_database(url: str) -> bool:
    """Creates the database if it is missing; True if it was created."""
    name = database_name(url)
    with psycopg.connect(libpq_url(url, "postgres"), autocommit=True) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if found:
            return False
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(url: str) -> None:
    """Drops the database (after check_safe), even with sessions still connected."""
    check_safe(url)
    name = sql.Identifier(database_name(url))
    with psycopg.connect(libpq_url(url, "postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def write_meta(connection: psycopg.Connection, url: str, *, scale: float, today: date) -> None:
    """Records how the dataset was made in the database's comment (no extra table)."""
    note = f"dfc benchmark dataset: scale={scale} today={today.isoformat()}"
    statement = sql.SQL("COMMENT ON DATABASE {} IS {}").format(
        sql.Identifier(database_name(url)), sql.Literal(note)
    )
    connection.execute(statement)


def read_meta(url: str) -> tuple[float, date] | None:
    """(scale, reference day) the dataset was generated with, or None if unknown."""
    with connect(url) as connection:
        row = connection.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database"
            " WHERE datname = current_database()"
        ).fetchone()
    match = _META.search(row[0] or "") if row else None
    if match is None:
        return None
    return float(match["scale"]), date.fromisoformat(match["today"])
