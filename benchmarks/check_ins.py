"""The daily check-ins at national scale: every council's check-in on the same morning (the
worst case: one date for the whole country), the first tries (one query, the check-ins
written in one batch, the texts through enqueue_many), the second tries a week later, and
the school's no-answer list and the council's likely lost count for the largest council.

Everything runs in one transaction that is rolled back: nothing is left in the database.
Run: python -m benchmarks.check_ins [DATABASE_URL] (a dataset from benchmarks.generate)."""

import sys
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from accounts.scoping import with_reach
from devices import check_in_queries
from devices.check_in_queries import Filters, Status
from devices.check_in_scan import send_first_tries, send_second_tries
from devices.models import CheckInDate
from dfc.caller import Caller
from dfc.db import build_engine

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dfc_bench"
TODAY = date(2026, 11, 25)
WAIT_DAYS = 7


@dataclass(frozen=True)
class Timing:
    scenario: str
    rows: int
    ms: float


def _timed(timings: list[Timing], scenario: str, started: float, rows: int) -> None:
    timings.append(Timing(scenario, rows, (time.perf_counter() - started) * 1000))


def _largest_council(session: Session) -> Caller:
    council_id = session.execute(
        text(
            "select coalesce(o.council_id, o.id) from allocation a "
            "join organisation o on o.id = a.school_id where a.returned_on is null "
            "group by 1 order by count(*) desc limit 1"
        )
    ).scalar_one()
    council = session.get_one(Organisation, council_id)
    caller = Caller(
        organisation_id=council.id,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name=council.name,
        role=None,
        name="benchmark",
    )
    return with_reach(session, caller)


def _count(session: Session, caller: Caller, day: date, filters: Filters) -> int:
    found = check_in_queries.check_ins(caller, today=day, filters=filters).subquery()
    return session.execute(select(func.count()).select_from(found)).scalar_one()


def run(engine: Engine, *, today: date = TODAY) -> list[Timing]:
    """Times each step once; rolls everything back."""
    timings: list[Timing] = []
    morning = datetime.combine(today, clock_time(9), tzinfo=UTC)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            session = Session(bind=connection)
            councils = session.scalars(
                select(Organisation.id).where(Organisation.kind == OrganisationKind.COUNCIL)
            ).all()
            session.add_all(
                CheckInDate(
                    council_id=c,
                    sends_on=today,
                    label="Benchmark term",
                    wait_days=WAIT_DAYS,
                    created_by="benchmark",
                )
                for c in councils
            )
            session.flush()
            started = time.perf_counter()
            due = len(session.execute(check_in_queries.due_first(today)).all())
            _timed(timings, "first tries: the query alone", started, due)
            started = time.perf_counter()
            families = send_first_tries(session, today, morning)
            _timed(timings, "first tries: query, check-ins and texts", started, families)
            started = time.perf_counter()
            families = send_first_tries(session, today, morning + timedelta(hours=1))
            _timed(timings, "first tries again the same day (nothing new)", started, families)
            later = today + timedelta(days=WAIT_DAYS)
            started = time.perf_counter()
            families = send_second_tries(session, later, morning + timedelta(days=WAIT_DAYS))
            _timed(timings, "second tries a week later", started, families)
            largest = _largest_council(session)
            after = later + timedelta(days=WAIT_DAYS)
            for scenario, filters in (
                ("largest council: no answer (count)", Filters(status=Status.NO_ANSWER)),
                ("largest council: likely lost (count)", Filters(likely_lost=True)),
            ):
                started = time.perf_counter()
                found = _count(session, largest, after, filters)
                _timed(timings, scenario, started, found)
            started = time.perf_counter()
            page = check_in_queries.check_ins(
                largest, today=after, filters=Filters(status=Status.NO_ANSWER)
            )
            rows = session.execute(page.order_by(text("first_sent_on"), text("id")).limit(50))
            _timed(timings, "largest council: no-answer list, first page", started, len(rows.all()))
        finally:
            transaction.rollback()
    return timings


def main(url: str) -> None:
    engine = build_engine(url)
    try:
        for timing in run(engine):
            print(f"{timing.scenario:48} {timing.rows:>10,} rows {timing.ms:>10,.0f} ms")
    finally:
        engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
