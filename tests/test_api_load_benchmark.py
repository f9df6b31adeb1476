"""benchmarks/api_load.py keeps working: on a tiny dataset, the app and the bare endpoint
answer every timed request (the figures themselves are in docs/performance.md)."""

import uuid
from datetime import date

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, require_server


@pytest.mark.postgres
def test_the_api_load_benchmark_times_the_look_up_and_lists_without_errors(capsys):
    require_server("PostgreSQL", POSTGRES_URL)
    from benchmarks import api_load, database, generate

    name = f"dfc_bench_test_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        generate.generate(url, scale=0.0005, today=date(2026, 11, 25), report=lambda _line: None)
        arguments = ["--database-url", url, "--seconds", "0.3", "--rounds", "1"]
        assert api_load.main(arguments) == 0
    finally:
        database.drop_database(url)
    table = [line for line in capsys.readouterr().out.splitlines() if line.startswith("| ")]
    rows = {line.split(" | ")[0].removeprefix("| "): line for line in table[1:]}
    assert {
        "serial: bare SELECT",
        "serial: /lookup (after)",
        "list p1: officer page (after)",
    } <= set(rows)
    for line in rows.values():
        assert line.endswith("| 0 |"), line  # no request failed
