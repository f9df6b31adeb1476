"""The conversion benchmark keeps working: a tiny generated dataset in a throwaway
database, its largest school converted once (rolled back). National figures: docs."""

import uuid
from datetime import date

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, require_server


@pytest.mark.postgres
def test_convert_the_largest_school_of_a_tiny_dataset_and_leave_nothing_behind():
    require_server("PostgreSQL", POSTGRES_URL)
    from benchmarks import conversion, database, generate
    from dfc.db import build_engine

    name = f"dfc_bench_test_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        generate.generate(url, scale=0.0005, today=date(2026, 12, 5), report=lambda _line: None)
        engine = build_engine(url)
        try:
            timings, equal = conversion.run(engine)
            with engine.connect() as connection:
                left = connection.exec_driver_sql(
                    "SELECT (SELECT count(*) FROM school_conversion)"
                    " + (SELECT count(*) FROM school_link)"
                    " + (SELECT count(*) FROM device_event WHERE action = 'converted')"
                ).scalar_one()
        finally:
            engine.dispose()
    finally:
        database.drop_database(url)

    assert equal
    assert left == 0
    by_step = {timing.scenario: timing.rows for timing in timings}
    assert by_step["devices"] > 0 and by_step["device_events"] == by_step["devices"]
    assert by_step["whole conversion"] == sum(
        rows for step, rows in by_step.items() if step != "whole conversion"
    )
