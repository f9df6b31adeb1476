"""The loans' daily job benchmark keeps working: a tiny generated dataset, every figure
once, nothing left behind. The national-scale run is not part of the suite."""

import uuid
from datetime import date

import pytest
from sqlalchemy.engine import make_url

from tests.conftest import POSTGRES_URL, require_server

TODAY = date(2026, 11, 25)


@pytest.mark.postgres
def test_time_the_loan_reminders_on_a_tiny_dataset_and_leave_nothing_behind():
    require_server("PostgreSQL", POSTGRES_URL)
    from benchmarks import database, generate, loan_reminders
    from dfc.db import build_engine

    name = f"dfc_bench_test_{uuid.uuid4().hex[:8]}"
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        generate.generate(url, scale=0.0005, today=TODAY, report=lambda _line: None)
        engine = build_engine(url)
        try:
            lines = loan_reminders.run(engine, today=TODAY)
            with engine.connect() as connection:
                left = connection.exec_driver_sql(
                    "SELECT (SELECT count(*) FROM allocation WHERE review_on IS NOT NULL"
                    "  OR return_by IS NOT NULL) + (SELECT count(*) FROM alert_raised)"
                    " + (SELECT count(*) FROM outbox_message)"
                ).scalar_one()
        finally:
            engine.dispose()
    finally:
        database.drop_database(url)

    assert left == 0
    scans = [line for line in lines if line.startswith("scan loan-")]
    assert len(scans) == 2 and all(" due in " in line for line in scans)
    assert int(scans[0].split(": ")[1].split()[0].replace(",", "")) > 0
    assert "the same day again: 0 messages" in "\n".join(lines)
    assert any("overdue in" in line for line in lines)
