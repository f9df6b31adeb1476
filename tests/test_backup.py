"""`dfc backup` and `dfc restore`: consistent copies of the embedded SQLite database taken
while it is written to, and restores that refuse anything but a backup of ours."""

import socket
import sqlite3
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlmodel import Session, func, select

from accounts.models import Organisation
from dfc import backup, migrate
from dfc.db import build_engine
from tests.factories import make_council, make_school
from tests.test_cli import dfc

HEAD = ScriptDirectory.from_config(
    Config(str(Path(__file__).resolve().parents[1] / "alembic.ini"))
).get_current_head()  # the newest
BATCH = 10


@pytest.fixture
def live_url(tmp_path: Path) -> str:
    """A database of the test's own, at the latest schema (whatever the suite runs on)."""
    url = f"sqlite:///{tmp_path / 'live' / 'devices.sqlite3'}"
    migrate.upgrade(url)
    return url


@pytest.fixture
def live_engine(live_url: str) -> Iterator[Engine]:
    engine = build_engine(live_url)
    yield engine
    engine.dispose()


def path_of(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def organisations(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Organisation.name)).all())


def count_rows(path: Path, where: str = "1") -> int:
    with sqlite3.connect(path) as connection:
        query = f"SELECT count(*) FROM worker_heartbeat WHERE {where}"
        return connection.execute(query).fetchone()[0]


class Writer(threading.Thread):
    """Another connection committing batches of BATCH rows as fast as it can, as a worker would."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path = path
        self.batches = 0
        self.stop = threading.Event()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        while not self.stop.is_set():
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(
                "INSERT INTO worker_heartbeat (worker, seen_at) VALUES (?, '2000-01-01 00:00:00')",
                [(f"batch-{self.batches:06d}-{row}",) for row in range(BATCH)],
            )
            connection.execute("COMMIT")
            self.batches += 1
        connection.close()


def test_a_backup_taken_while_another_connection_writes_is_consistent_and_restorable(
    live_url: str, tmp_path: Path
):
    live = path_of(live_url)
    with sqlite3.connect(live) as connection:  # a few MB, so a copy takes a moment
        connection.executemany(
            "INSERT INTO worker_heartbeat (worker, seen_at) VALUES (?, '2000-01-01 00:00:00')",
            [(f"padding-{n:06d}-{'x' * 150}",) for n in range(20_000)],
        )
    writer = Writer(live)
    writer.start()
    try:
        while writer.batches < 5:
            pass
        copies = [
            backup.backup(database_url=live_url, destination=tmp_path / f"copy-{n}.sqlite3")
            for n in range(3)
        ]
        batches_after_copies = writer.batches
    finally:
        writer.stop.set()
        writer.join(timeout=30)

    assert batches_after_copies > 5, "the writer did not keep writing during the backups"
    for copy in copies:
        with sqlite3.connect(copy.path) as connection:
            torn = connection.execute(
                "SELECT substr(worker, 1, 12) AS batch, count(*) FROM worker_heartbeat "
                "WHERE worker LIKE 'batch-%' GROUP BY batch HAVING count(*) != ?",
                (BATCH,),
            ).fetchall()
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert torn == [], "a backup holds part of a transaction"
        assert count_rows(copy.path, "worker LIKE 'padding-%'") == 20_000
        assert copy.revision == HEAD and copy.size_bytes > 3_000_000
    assert not list(tmp_path.glob(".*.partial")), "a partial file was left behind"

    in_each = [count_rows(copy.path) for copy in copies]
    assert in_each == sorted(set(in_each)), "the writer did not write between the backups"
    last = copies[-1]
    in_backup = count_rows(last.path)
    assert in_backup < count_rows(live), "the writer went on after the last backup"
    backup.restore(database_url=live_url, source=last.path)
    assert count_rows(live) == in_backup


def test_restore_brings_back_the_rows_and_keeps_the_database_it_replaced(
    live_url: str, live_engine: Engine, tmp_path: Path
):
    with Session(live_engine) as session:
        make_school(session, council=make_council(session, name="Camden"))
    before = organisations(live_engine)
    made = backup.backup(database_url=live_url, destination=tmp_path)
    assert made.path.parent == tmp_path and made.path.name.startswith("devices-")
    assert made.row_counts["organisation"] == 2
    with Session(live_engine) as session:
        make_council(session, name="Added after the backup")

    report = backup.restore(
        database_url=live_url, source=made.path, now=datetime(2025, 1, 31, 2, 0, 0)
    )

    assert organisations(live_engine) == before
    assert report.kept == path_of(live_url).with_name(
        "devices.sqlite3.before-restore-20250131-020000"
    )
    with sqlite3.connect(report.kept) as kept:
        names = {row[0] for row in kept.execute("SELECT name FROM organisation")}
    assert "Added after the backup" in names
    assert report.database.revision == HEAD and report.database.row_counts["organisation"] == 2
    with Session(live_engine) as session:  # the service goes on writing to the restored file
        make_council(session, name="Added after the restore")
        total = session.exec(select(func.count()).select_from(Organisation)).one()
    assert total == 3


def test_restore_migrates_an_older_backup_to_the_latest_schema(live_url: str, tmp_path: Path):
    older = f"sqlite:///{tmp_path / 'older.sqlite3'}"
    migrate.upgrade(older, "0008")
    made = backup.backup(database_url=older, destination=tmp_path / "older-backup.sqlite3")
    assert made.revision == "0008"

    report = backup.restore(database_url=live_url, source=made.path)

    assert (report.revision_restored, report.database.revision) == ("0008", HEAD)


def test_restore_refuses_a_missing_file_and_a_file_that_is_not_a_database(
    live_url: str, tmp_path: Path
):
    with pytest.raises(backup.BackupError, match="no such file"):
        backup.restore(database_url=live_url, source=tmp_path / "missing.sqlite3")
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100)
    with pytest.raises(backup.BackupError, match="is not a SQLite database"):
        backup.restore(database_url=live_url, source=text)
    assert not list(path_of(live_url).parent.glob("*.before-restore-*")), "nothing was touched"


def test_restore_refuses_another_schema_and_a_newer_one(live_url: str, tmp_path: Path):
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    with pytest.raises(backup.BackupError, match="no alembic_version table"):
        backup.restore(database_url=live_url, source=foreign)

    newer = backup.backup(database_url=live_url, destination=tmp_path / "newer.sqlite3").path
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    with pytest.raises(backup.BackupError, match=rf"0099_from_the_future.*newest is {HEAD}"):
        backup.restore(database_url=live_url, source=newer)


def test_restore_refuses_while_a_worker_or_web_server_runs_unless_forced(
    live_url: str, tmp_path: Path
):
    made = backup.backup(database_url=live_url, destination=tmp_path / "b.sqlite3").path
    with sqlite3.connect(path_of(live_url)) as connection:
        connection.execute(
            "INSERT INTO worker_heartbeat VALUES ('celery@here', ?)",
            (datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" "),),
        )
    with pytest.raises(backup.BackupError, match=r"worker recorded its heartbeat.*Stop `dfc run`"):
        backup.restore(database_url=live_url, source=made)
    backup.restore(database_url=live_url, source=made, force=True)  # the backup has no heartbeat

    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        address = listening.getsockname()
        with pytest.raises(backup.BackupError, match=r"something answers at 127\.0\.0\.1"):
            backup.restore(database_url=live_url, source=made, web_address=address)


def test_backup_never_overwrites_unless_asked(live_url: str, tmp_path: Path):
    target = tmp_path / "nightly.sqlite3"
    target.write_text("yesterday")
    with pytest.raises(backup.BackupError, match="already exists"):
        backup.backup(database_url=live_url, destination=target)
    assert target.read_text() == "yesterday"
    backup.backup(database_url=live_url, destination=target, overwrite=True)
    assert backup.check_backup(target) == HEAD


def free_port() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


def test_the_commands_name_what_to_fix_and_exit_2(live_url: str, tmp_path: Path):
    env = {"DATABASE_URL": live_url, "PORT": free_port()}
    made = dfc("backup", str(tmp_path), **env)
    assert made.returncode == 0, made.stderr
    assert "integrity check ok" in made.stdout and "organisation: 0 rows" in made.stdout
    copy = next(tmp_path.glob("devices-*.sqlite3"))

    restored = dfc("restore", str(copy), **env)
    assert restored.returncode == 0, restored.stderr
    assert "before-restore-" in restored.stdout and f"now at schema {HEAD}" in restored.stdout

    missing = dfc("restore", str(tmp_path / "missing.sqlite3"), **env)
    assert missing.returncode == 2 and "missing.sqlite3: no such file" in missing.stderr
    (tmp_path / "notes.txt").write_text("hello")
    not_ours = dfc("restore", str(tmp_path / "notes.txt"), **env)
    assert not_ours.returncode == 2 and "is not a SQLite database" in not_ours.stderr
    nowhere = dfc("backup", str(tmp_path / "no-such-folder" / "b.sqlite3"), **env)
    assert nowhere.returncode == 2 and "does not exist: create it first" in nowhere.stderr


@pytest.mark.parametrize("command", ["backup", "restore"])
def test_on_postgresql_both_commands_point_to_pg_dump_and_pg_restore(command, tmp_path: Path):
    result = dfc(
        command,
        str(tmp_path / "devices.dump"),
        DATABASE_URL="postgresql+psycopg://devices:secret@127.0.0.1:1/devices",
    )
    assert result.returncode == 2
    assert "pg_dump -Fc" in result.stderr and "pg_restore" in result.stderr
