"""A school's conversion to an academy at national scale: the school holding the most
devices passes its whole register to a new successor, one UPDATE per table in one
transaction (devices/service/conversions.py's steps), each step timed; the council's stock
figures are counted before and after (they must be equal) and everything is rolled back:
nothing is left in the database.

Run on a generated benchmark database (python -m benchmarks.generate; migrated to head):
    python -m benchmarks.conversion [DATABASE_URL]"""

import sys
import time
from datetime import date
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, SchoolPhase
from accounts.school_links import LinkKind, SchoolLink
from benchmarks.scenarios import Timing
from devices.models import Device, SchoolConversion
from devices.service.conversions import conversion_steps

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dfc_bench"
LARGEST_SCHOOL = """
SELECT d.holder_id FROM device d JOIN organisation o ON o.id = d.holder_id
WHERE o.kind = 'school' GROUP BY d.holder_id ORDER BY count(*) DESC, d.holder_id LIMIT 1
"""


def _council_stock(session: Session, council_id: int) -> list[tuple[Any, ...]]:
    """The council's devices by status, as its stock report counts them."""
    schools = select(Organisation.id).where(
        (Organisation.council_id == council_id) | (Organisation.id == council_id)
    )
    statement = (
        select(Device.status, func.count())
        .where(Device.holder_id.in_(schools))
        .group_by(Device.status)
        .order_by(Device.status)
    )
    return [tuple(row) for row in session.execute(statement)]


def run(engine: Engine) -> tuple[list[Timing], bool]:
    """Times each step of converting the largest school; returns the timings and whether
    the council's figures were equal after. Rolled back."""
    timings: list[Timing] = []
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            session = Session(bind=connection, join_transaction_mode="create_savepoint")
            if connection.dialect.name == "postgresql":
                connection.execute(text("set local statement_timeout = '600s'"))
            predecessor = session.get_one(
                Organisation, session.execute(text(LARGEST_SCHOOL)).scalar_one()
            )
            successor = Organisation(
                kind=OrganisationKind.SCHOOL,
                urn="9999999",
                name=f"{predecessor.name} Academy (benchmark)",
                phase=predecessor.phase or SchoolPhase.PRIMARY,
                council_id=predecessor.council_id,
            )
            session.add(successor)
            session.flush()
            link = SchoolLink(
                predecessor_id=predecessor.id,
                successor_id=successor.id,
                kind=LinkKind.ACADEMY_CONVERSION,
                linked_on=date.today(),
                predecessor_urn=predecessor.urn or "",
                successor_urn="9999999",
                recorded_by="benchmark",
            )
            session.add(link)
            session.flush()
            job = SchoolConversion(
                link_id=link.id,
                predecessor_id=predecessor.id,
                successor_id=successor.id,
                requested_by="benchmark",
                requested_by_organisation_id=predecessor.council_id or predecessor.id,
            )
            session.add(job)
            session.flush()
            before = _council_stock(session, predecessor.council_id)
            total = time.perf_counter()
            for name, step in conversion_steps():
                started = time.perf_counter()
                rows = step(session, job)
                elapsed = (time.perf_counter() - started) * 1000
                timings.append(Timing(name, predecessor.name, rows, elapsed, 1))
            elapsed = (time.perf_counter() - total) * 1000
            moved = sum(t.rows for t in timings)
            timings.append(Timing("whole conversion", predecessor.name, moved, elapsed, 1))
            equal = _council_stock(session, predecessor.council_id) == before
        finally:
            transaction.rollback()
    return timings, equal


def main(url: str) -> None:
    engine = create_engine(url)
    try:
        timings, equal = run(engine)
    finally:
        engine.dispose()
    for timing in timings:
        print(f"{timing.scenario:28} {timing.rows:>10,} rows {timing.median_ms:>10.1f} ms")
    print("council figures equal before and after:", "yes" if equal else "NO")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
