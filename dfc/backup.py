"""Backups of the embedded SQLite database, taken and restored with SQLite's online backup API
while the service runs (docs/operations.md, "Backups"). PostgreSQL has pg_dump for this."""

import os
import socket
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import make_url

# The tables whose row counts tell an operator at a glance that a backup holds their data.
KEY_TABLES = (
    "organisation",
    "staff_user",
    "family",
    "device",
    "allocation",
    "ticket",
    "outbox_message",
    "import_job",
)
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_SECONDS = 30.0
# Beat queues a heartbeat every minute; a fresher one means a worker is running now.
WORKER_RECENTLY_SEEN = timedelta(minutes=3)
POSTGRES_ADVICE = (
    "DATABASE_URL is PostgreSQL: `dfc backup` and `dfc restore` are for the embedded SQLite "
    "database only. Back PostgreSQL up with `pg_dump -Fc` and restore it with `pg_restore` "
    '(docs/operations.md, "Backups").'
)


class BackupError(RuntimeError):
    """A backup or restore cannot go ahead; the message says what to fix."""


@dataclass(frozen=True)
class DatabaseSummary:
    path: Path
    size_bytes: int
    revision: str
    row_counts: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"  {table}: {count} rows" for table, count in self.row_counts.items()]


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    kept: Path | None
    revision_restored: str
    database: DatabaseSummary

    def lines(self) -> list[str]:
        kept = f" The database it replaced is kept as {self.kept}." if self.kept else ""
        return [
            f"Restored {self.restored_from} (schema {self.revision_restored}) into "
            f"{self.database.path}, now at schema {self.database.revision}.{kept}",
            *self.database.lines(),
        ]


def sqlite_path(database_url: str) -> Path:
    """The file behind a sqlite:/// URL; PostgreSQL is refused with pg_dump's name."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        raise BackupError(POSTGRES_ADVICE)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        raise BackupError(f"DATABASE_URL {database_url!r} is not a SQLite file: nothing to copy.")
    return Path(url.database)


def backup(
    *, database_url: str, destination: Path, overwrite: bool = False, now: datetime | None = None
) -> DatabaseSummary:
    """Copy the live database to `destination` (a file, or a folder to put a dated file in),
    check the copy and summarise it."""
    live = sqlite_path(database_url)
    if not live.is_file():
        raise BackupError(
            f"There is no database at {live}: check DATABASE_URL and VAR_DIR "
            "(or run `dfc migrate` to make one)."
        )
    if destination.is_dir():
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        destination = destination / f"{live.stem}-{stamp}.sqlite3"
    if not destination.parent.is_dir():
        raise BackupError(f"The folder {destination.parent} does not exist: create it first.")
    if destination.exists() and destination.resolve() == live.resolve():
        raise BackupError(f"{destination} is the live database: back it up to another file.")
    if destination.exists() and not overwrite:
        raise BackupError(
            f"{destination} already exists: choose another name, give a folder (a dated file is "
            "made in it) or pass --overwrite."
        )
    # Written beside the destination and renamed at the end, so a file with the backup's
    # name is always a complete, checked copy.
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with _open(live) as source, _open(partial) as copy:
            _copy(source, copy)
            # One self-contained file: no -wal or -shm beside the backup.
            copy.execute("PRAGMA journal_mode=DELETE")
            _check_integrity(copy, partial)
            revision = _revision(copy, partial)
            counts = _row_counts(copy)
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)
    return DatabaseSummary(destination, destination.stat().st_size, revision, counts)


def restore(
    *,
    database_url: str,
    source: Path,
    force: bool = False,
    web_address: tuple[str, int] | None = None,
    now: datetime | None = None,
) -> RestoreReport:
    """Replace the live database with the backup at `source`, keeping the old one beside it,
    then bring the schema up to date."""
    live = sqlite_path(database_url)
    if source.exists() and live.exists() and source.resolve() == live.resolve():
        raise BackupError(f"{source} is the live database: restore from a backup file.")
    revision = check_backup(source)
    if live.exists() and not force:
        in_use = writers(live, web_address=web_address, now=now)
        if in_use:
            raise BackupError(
                "The database is in use: "
                + "; ".join(in_use)
                + ". Stop `dfc run` (and any `dfc serve`, `dfc worker` and `dfc beat`) first, "
                "or pass --force if you are sure nothing is writing."
            )
    kept = None
    if live.exists():
        stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
        kept = live.with_name(f"{live.name}.before-restore-{stamp}")
        with _open(live) as current, _open(kept) as copy:
            _copy(current, copy)
            copy.execute("PRAGMA journal_mode=DELETE")
    else:
        live.parent.mkdir(parents=True, exist_ok=True)
    # Through SQLite rather than a file copy, so the live file's WAL and any open reader
    # see the restored pages, never half of them.
    with _open(source) as backup_file, _open(live) as target:
        _copy(backup_file, target)
        target.execute("PRAGMA journal_mode=WAL")

    from dfc import migrate

    migrate.upgrade(database_url)
    with _open(live) as restored:
        summary = DatabaseSummary(
            live, live.stat().st_size, _revision(restored, live), _row_counts(restored)
        )
    return RestoreReport(source, kept, revision, summary)


def check_backup(path: Path) -> str:
    """The schema revision of a backup of ours that passes its integrity check; otherwise a
    BackupError saying what is wrong with the file."""
    if not path.exists():
        raise BackupError(f"{path}: no such file. Give the path of a file made by `dfc backup`.")
    if not path.is_file():
        raise BackupError(f"{path} is a folder: give the path of a file made by `dfc backup`.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise BackupError(f"{path} is not a SQLite database: give a file made by `dfc backup`.")
    with _open(path) as connection:
        if not _has_table(connection, "alembic_version"):
            raise BackupError(
                f"{path} is a SQLite database but not one of Devices for Children "
                "(it has no alembic_version table): wrong schema."
            )
        _check_integrity(connection, path)
        revision = _revision(connection, path)
    known, head = _known_revisions()
    if revision not in known:
        raise BackupError(
            f"{path} has schema revision {revision}, which this version of Devices for "
            f"Children does not know (its newest is {head}): restore it with the newer "
            "version that made it."
        )
    return revision


def writers(live: Path, *, web_address: tuple[str, int] | None, now: datetime | None) -> list[str]:
    """Signs that a web server or worker is using the live database right now."""
    signs = []
    with _open(live, busy_seconds=0) as connection:
        if _has_table(connection, "worker_heartbeat"):
            seen = connection.execute("SELECT max(seen_at) FROM worker_heartbeat").fetchone()[0]
            last = _instant(seen)
            if last and (now or datetime.now(UTC)) - last < WORKER_RECENTLY_SEEN:
                signs.append(f"a worker recorded its heartbeat at {last:%H:%M:%S} UTC")
        try:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("ROLLBACK")
        except sqlite3.OperationalError:
            signs.append("another process is writing to it")
    if web_address and _answering(*web_address):
        signs.append(f"something answers at {web_address[0]}:{web_address[1]} (`dfc serve`?)")
    return signs


@contextmanager
def _open(path: Path, *, busy_seconds: float = BUSY_SECONDS) -> Iterator[sqlite3.Connection]:
    # Autocommit (isolation_level=None): we issue BEGIN ourselves where we need one.
    connection = sqlite3.connect(path, timeout=busy_seconds, isolation_level=None)
    with closing(connection):
        yield connection


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    # All pages in one step (pages=-1): one read transaction, so the copy is the consistent
    # snapshot WAL gives a reader while writers go on. Copying in small steps would restart
    # whenever another process writes, and might never finish under a busy worker.
    source.backup(target, pages=-1)


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    try:
        problems = [row[0] for row in connection.execute("PRAGMA integrity_check(5)")]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database ({error}).") from None
    if problems != ["ok"]:
        raise BackupError(f"{path} fails SQLite's integrity check: {'; '.join(problems)}.")


def _revision(connection: sqlite3.Connection, path: Path) -> str:
    row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    if row is None:
        raise BackupError(f"{path} has no schema revision in alembic_version: wrong schema.")
    return row[0]


def _has_table(connection: sqlite3.Connection, name: str) -> bool:
    try:
        found = connection.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)
        ).fetchone()
    except sqlite3.DatabaseError as error:
        raise BackupError(f"The file is not a readable SQLite database ({error}).") from None
    return found is not None


def _row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    return {
        table: connection.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608 (our names)
        for table in KEY_TABLES
        if _has_table(connection, table)
    }


def _known_revisions() -> tuple[set[str], str]:
    from alembic.script import ScriptDirectory

    from dfc.migrate import alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    return {revision.revision for revision in script.walk_revisions()}, script.get_current_head()


def _instant(stored: str | None) -> datetime | None:
    """A stored UTC time (SQLAlchemy writes them naive on SQLite), aware."""
    try:
        moment = datetime.fromisoformat(stored) if stored else None
    except ValueError:
        return None
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _answering(host: str, port: int) -> bool:
    host = "127.0.0.1" if host in {"", "0.0.0.0", "::"} else host  # noqa: S104 (we only connect)
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False
