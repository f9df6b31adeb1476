"""Migration 0018 splits the keys of alerts raised before it into columns, so the scan's
queries leave those alerts out as they do new ones: nothing is raised twice on upgrade."""

from datetime import date

import pytest
from sqlalchemy import create_engine, text

from dfc import migrate
from tests.test_database import empty_postgres_database  # noqa: F401 (a fixture)

KEYS = {
    "support-ends:device-42:2027-01-31:30d": ("support-ends", 42, 30, date(2027, 1, 31)),
    "unsupported:device-42": ("unsupported", 42, None, None),
    "licence-ends:licence-7:2027-01-31:90d": ("licence-ends", 7, 90, date(2027, 1, 31)),
    "connectivity-ends:sim-5:2027-02-01:7d": ("connectivity-ends", 5, 7, date(2027, 2, 1)),
    "data:sim-9:2026-11:80": ("data", 9, 80, date(2026, 11, 1)),
    "scan:council-3:2026-11-25": ("scan", 3, None, date(2026, 11, 25)),
    "sla:ticket-1:first-reply:late:a@b.example": (None, None, None, None),  # not the register's
}


def split_keys(url: str) -> dict[str, tuple]:
    migrate.upgrade(url, "0017")
    engine = create_engine(url)
    with engine.begin() as connection:
        for key in KEYS:
            connection.execute(
                text("INSERT INTO alert_raised (key, raised_at) VALUES (:key, :now)"),
                {"key": key, "now": "2026-11-25 07:00:00+00:00"},
            )
    migrate.upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT key, kind, item_id, threshold, ends_on FROM alert_raised")
        )
        found = {
            key: (kind, item, level, date.fromisoformat(str(day)) if day else None)
            for key, kind, item, level, day in rows
        }
    engine.dispose()
    return found


def test_the_keys_raised_before_get_their_columns_on_sqlite(tmp_path):
    assert split_keys(f"sqlite:///{tmp_path / 'keys.sqlite3'}") == KEYS


@pytest.mark.postgres
def test_the_keys_raised_before_get_their_columns_on_postgresql(empty_postgres_database):  # noqa: F811
    assert split_keys(empty_postgres_database) == KEYS
