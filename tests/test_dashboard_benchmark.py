"""benchmarks/dashboard.py keeps working and leaves the database as it found it: a tiny
dataset in a throwaway database, each page once, live and from the daily figures."""

import uuid
from datetime import date

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, require_server

TODAY = date(2026, 11, 25)


@pytest.mark.postgres
def test_the_dashboard_benchmark_times_both_ways_and_leaves_no_figures_behind(capsys):
    require_server("PostgreSQL", POSTGRES_URL)
    from benchmarks import dashboard, database, generate

    name = f"dfc_bench_test_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        generate.generate(url, scale=0.0005, today=TODAY, report=lambda _line: None)
        assert dashboard.main(["--database-url", url, "--runs", "1"]) == 0
        with psycopg.connect(database.libpq_url(url)) as connection:
            left = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE tablename = 'dashboard_headline'"
            ).fetchone()
            rows = (
                connection.execute("SELECT count(*) FROM dashboard_headline").fetchone()
                if left and left[0]
                else (0,)
            )
    finally:
        database.drop_database(url)

    printed = capsys.readouterr().out
    assert "nightly computation: " in printed
    pages = [line.split() for line in printed.splitlines() if line.startswith("/dashboard ")]
    assert {(page[1], page[3]) for page in pages} == {
        (scope, figures) for scope in ("scheme", "council") for figures in ("live", "daily")
    }
    assert "/dashboard/short-of-cover" in printed
    assert rows == (0,)  # everything the benchmark wrote was rolled back
