"""The benchmarks keep working: a tiny dataset in a throwaway database, every scenario once.
The national-scale figures are in docs/performance.md."""

import shutil
import uuid
from datetime import date

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, require_server

TODAY = date(2026, 11, 25)


@pytest.mark.postgres
def test_generate_a_tiny_dataset_and_time_every_scenario_on_it():
    require_server("PostgreSQL", POSTGRES_URL)
    from benchmarks import database, generate, run
    from benchmarks.scenarios import query_scenarios
    from dfc.db import build_engine

    with pytest.raises(database.UnsafeDatabase):
        database.check_safe(POSTGRES_URL)  # the suite's own database is never emptied
    name = f"dfc_bench_test_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        times = generate.generate(url, scale=0.0005, today=TODAY, report=lambda _line: None)
        engine = build_engine(url)
        try:
            timings = run.run(engine, today=TODAY, runs=1, import_rows=50)
        finally:
            engine.dispose()
        assert database.read_meta(url) == (0.0005, TODAY)
    finally:
        database.drop_database(url)

    assert times.rows["device"] == 1000
    assert times.rows["allocation"] > 0
    assert len(timings) == 3 * len(query_scenarios(TODAY, "X")) + 2  # the import, its COPY
    for timing in timings:
        assert timing.rows >= 0, timing
        assert not timing.note.startswith("failed"), timing.note
    looked_up = [t for t in timings if t.scenario == "device by serial"]
    assert [t.rows for t in looked_up] == [1, 1, 1]
    assert all(t.server_ms is not None and t.plan for t in timings[:-2])
    imported, copied = timings[-2:]
    assert (imported.rows, copied.scenario) == (50, "COPY of the rows it wrote")
    assert "device 50" in copied.note
    assert run.format_table(timings).count("\n") == len(timings) + 1


@pytest.mark.postgres
def test_reconcile_tiny_manager_exports_and_time_the_management_reports():
    require_server("PostgreSQL", POSTGRES_URL)
    from benchmarks import database, generate, reconciliation, run
    from devices.management_queries import REPORTS
    from dfc.db import build_engine

    name = f"dfc_bench_test_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        generate.generate(url, scale=0.0005, today=TODAY, report=lambda _line: None)
        engine = build_engine(url)
        try:
            timings = reconciliation.run(engine, today=TODAY, rows=400, runs=1)
            with engine.connect() as connection:
                left = connection.exec_driver_sql(
                    "SELECT (SELECT count(*) FROM device_management)"
                    " + (SELECT count(*) FROM import_job) + (SELECT count(*) FROM device_event"
                    "    WHERE action = 'management-changed')"
                ).scalar_one()
        finally:
            engine.dispose()
    finally:
        database.drop_database(url)

    assert left == 0  # everything the run wrote was rolled back
    imports = [t for t in timings if " import " in t.scenario]
    assert [t.scenario.split()[0] for t in imports] == ["google-admin", "intune"]
    for imported in imports:
        assert "unmatched 20" in imported.note and "without_serial 4" in imported.note
        assert "duplicate_rows 8" in imported.note and "added" in imported.note
    copies = [t for t in timings if "COPY" in t.scenario]
    assert all("device_management" in t.note and t.rows > 0 for t in copies)
    later = [t for t in timings if "a week later" in t.scenario]
    assert len(later) == 2 and all("updated" in t.note for t in later)
    reports = [t for t in timings if t.scenario in REPORTS]
    assert len(reports) == 2 * len(REPORTS)
    assert all(t.server_ms is not None and "raw SQL" in t.note for t in reports)
    assert next(t.rows for t in reports if t.scenario == "not-in-register") == 40
    assert run.format_table(timings).count("\n") == len(timings) + 1


@pytest.mark.postgres
@pytest.mark.worker
def test_drain_a_few_texts_through_real_workers_beat_and_redis(capsys):
    require_server("PostgreSQL", POSTGRES_URL)
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (the drain benchmark starts its own)")
    from benchmarks import drain

    name = f"dfc_drain_bench_test_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    arguments = ["--database-url", url, "--messages", "40", "--runs", "1", "--faults", "none"]
    assert drain.main(arguments) == 0  # every text once: no duplicate, no loss
    printed = capsys.readouterr().out
    assert "none drained in" in printed
    assert "the fake server alone: 40 texts" in printed


@pytest.mark.postgres
def test_the_daily_check_ins_on_a_tiny_dataset_ask_each_family_once_and_leave_nothing():
    require_server("PostgreSQL", POSTGRES_URL)
    from benchmarks import check_ins, database, generate
    from dfc.db import build_engine

    name = f"dfc_bench_test_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        generate.generate(url, scale=0.0005, today=TODAY, report=lambda _line: None)
        engine = build_engine(url)
        try:
            timings = {t.scenario: t for t in check_ins.run(engine, today=TODAY)}
            with engine.connect() as connection:
                left = connection.exec_driver_sql(
                    "SELECT (SELECT count(*) FROM check_in) + (SELECT count(*) FROM check_in_date)"
                ).scalar_one()
        finally:
            engine.dispose()
    finally:
        database.drop_database(url)

    assert left == 0  # everything the run wrote was rolled back
    asked = timings["first tries: query, check-ins and texts"].rows
    assert asked > 0 and timings["first tries: the query alone"].rows >= asked
    assert timings["first tries again the same day (nothing new)"].rows == 0
    assert 0 < timings["second tries a week later"].rows <= asked
    assert timings["largest council: no answer (count)"].rows > 0
