"""The schema: migrations match the models, run both ways, and SQLite is set up safely."""

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from dfc import migrate
from dfc.db import build_engine
from dfc.tables import metadata
from tests.conftest import POSTGRES_URL, require_server


def test_the_models_and_the_migrations_agree(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_sqlite_runs_with_foreign_keys_on_and_in_wal_mode(tmp_path):
    engine = build_engine(f"sqlite:///{tmp_path / 'fresh' / 'db.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    engine.dispose()


def tables_in(url: str) -> set[str]:
    engine = build_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def round_trip(url: str) -> None:
    migrate.upgrade(url)
    assert tables_in(url) == set(metadata.tables)
    migrate.downgrade(url, "base")
    assert tables_in(url) == set()
    migrate.upgrade(url)
    assert tables_in(url) == set(metadata.tables)


def test_upgrade_downgrade_and_upgrade_again_on_sqlite(tmp_path):
    round_trip(f"sqlite:///{tmp_path / 'round-trip.sqlite3'}")


@pytest.fixture
def empty_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test alone, dropped afterwards."""
    require_server("PostgreSQL", POSTGRES_URL)
    name = f"dfc_migrations_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_upgrade_downgrade_and_upgrade_again_on_postgresql(empty_postgres_database):
    round_trip(empty_postgres_database)


@pytest.mark.postgres
def test_the_models_and_the_migrations_agree_on_postgresql(empty_postgres_database):
    migrate.upgrade(empty_postgres_database)
    engine = build_engine(empty_postgres_database)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    engine.dispose()
    assert differences == []
