"""The one database engine and the session the request or task owns."""

import logging
import select
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import sqlmodel
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlmodel import create_engine
from starlette.concurrency import run_in_threadpool

from dfc import id_arrays
from dfc.settings import get_settings

log = logging.getLogger(__name__)
Result = TypeVar("Result")


class Session(sqlmodel.Session):
    """sqlmodel's Session, which runs a transaction's first statement once more, on a new
    connection, when the pooled one turns out to have been dropped (a restarted server, a
    network that forgot it). Nothing had been done in that transaction, so nothing is lost;
    anything later in a transaction is not retried and fails as before."""

    def exec(self, *args: Any, **kwargs: Any) -> Any:
        return self._once_more_if_dropped(super().exec, *args, **kwargs)

    def execute(self, *args: Any, **kwargs: Any) -> Any:
        return self._once_more_if_dropped(super().execute, *args, **kwargs)

    def _once_more_if_dropped(
        self, run: Callable[..., Result], *args: Any, **kwargs: Any
    ) -> Result:
        first = not self.in_transaction() and not (self.new or self.dirty or self.deleted)
        try:
            return run(*args, **kwargs)
        except DBAPIError as error:
            if not (first and error.connection_invalidated):
                raise
            log.warning("database connection was dropped; running the statement again: %s", error)
            self.rollback()
        return run(*args, **kwargs)


def _tune_sqlite(dbapi_connection, _record) -> None:
    """Foreign keys are off by default in SQLite; WAL lets readers and one writer overlap; a
    writer waits SQLITE_BUSY_SECONDS for another to finish before giving up."""
    busy_ms = int(get_settings().SQLITE_BUSY_SECONDS * 1000)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL's own recommendation: durable, faster
    cursor.close()


def flush_or_undo(session: Session) -> None:
    """Writes the objects added since the last flush inside a savepoint. If the database
    refuses them (IntegrityError, re-raised), only they are undone and leave the session;
    the caller's transaction, and whatever it wrote before, carries on."""
    added = list(session.new)
    for item in added:
        session.expunge(item)
    session.flush()  # whatever else is pending is the caller's, written outside the savepoint
    with session.begin_nested():
        session.add_all(added)
        session.flush()


def lock_for_writing(session: Session) -> None:
    """On SQLite, takes the database's one write lock now, for the rest of the transaction,
    waiting up to SQLITE_BUSY_SECONDS for another writer; elsewhere nothing is needed."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    if not connection.connection.dbapi_connection.in_transaction:  # type: ignore[union-attr]
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_before_savepoint(connection, _name) -> None:
    """Python's sqlite3 starts a transaction only before an INSERT, UPDATE or DELETE, so a
    SAVEPOINT that comes first would open a transaction of its own, and releasing it would
    commit, whatever the transaction around it did next. Beginning first makes the savepoint
    nest inside the real transaction; IMMEDIATE takes the write lock now, waiting for it
    under busy_timeout, rather than failing later when a read turns into a write."""
    dbapi_connection = connection.connection.dbapi_connection
    if not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def build_engine(url: str) -> Engine:
    """An engine for `url`; SQLite gets its folder created and its pragmas set."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _tune_sqlite)
        event.listen(engine, "savepoint", _begin_before_savepoint)
        return engine
    # No server-side prepared statements: after a few runs PostgreSQL may switch a prepared
    # report query to a generic plan ten times slower for a council's scope. No JIT: it
    # added over a second to planning a dashboard query that runs in milliseconds without.
    # No ping before each use (a round trip per request): connections are replaced after
    # DATABASE_POOL_RECYCLE_SECONDS, one the server closed is noticed on checkout, and a
    # transaction's first statement is retried once (Session above).
    engine = create_engine(
        url,
        pool_pre_ping=False,
        pool_recycle=get_settings().DATABASE_POOL_RECYCLE_SECONDS,
        pool_size=10,
        max_overflow=20,
        connect_args={"prepare_threshold": None, "options": "-c jit=off"},
    )
    event.listen(engine, "checkout", _closed_by_server)
    event.listen(engine, "connect", _send_id_arrays)
    return engine


def _send_id_arrays(dbapi_connection, _record) -> None:
    """Scoped queries send the caller's ids as an IdArray, its text made once (id_arrays)."""
    id_arrays.register(dbapi_connection)


def _closed_by_server(dbapi_connection, _record, _proxy) -> None:
    """An idle pooled connection has nothing to read unless the server has since closed it
    (a restart, pg_terminate_backend, an idle timeout: its farewell or end of file waits on
    the socket). One poll, no round trip; the pool then opens a new connection instead."""
    if dbapi_connection.closed:
        raise DisconnectionError("the connection is closed")
    readable, _, _ = select.select([dbapi_connection.fileno()], [], [], 0)
    if readable:
        raise DisconnectionError("the server closed this connection while it was idle")


@lru_cache
def get_engine() -> Engine:
    # Every table is known before the first query, whichever module asked first, so
    # foreign keys between domains always resolve (in scripts and workers too).
    import dfc.tables  # noqa: F401

    return build_engine(get_settings().database_url)


async def get_session() -> AsyncIterator[Session]:
    """One session per request; the request commits, an error rolls everything back. Made on
    the event loop (a session does no I/O until first used) and closed in a worker thread
    (closing hands the connection back with a ROLLBACK), so a request waits for one thread
    hand-over fewer; a session that holds no connection (never used, or ended by
    `read_without_transaction`) is closed on the event loop, with no hand-over at all."""
    session = Session(get_engine())
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


async def read_without_transaction(session: Session, read: Callable[[], Result]) -> Result:
    """`read`'s answer, from one statement run outside a transaction, in one worker thread.

    For a look-up in one statement (it sees one snapshot, as in a transaction): no BEGIN or
    ROLLBACK round trips, and one thread hand-over for the whole request, where a sync
    endpoint waits for three (the endpoint, checking its answer, closing the session). A
    session already in a transaction (its credential was just checked) reads within it."""

    def read_and_close() -> Result:
        try:
            if not session.in_transaction() and isinstance(session.bind, Engine):
                session.bind = _without_transaction(session.bind)
            return read()
        finally:
            session.close()  # hands the connection back in this thread

    return await run_in_threadpool(read_and_close)


@lru_cache
def _without_transaction(engine: Engine) -> Engine:
    """The same engine and pool, its connections in autocommit for as long as they are out."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session for a task or command: commit on success, roll back on error."""
    with Session(get_engine()) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
