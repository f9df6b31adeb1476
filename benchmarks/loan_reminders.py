"""The loans' daily job at national scale: the scan's two loan queries (review and return
dates within a week or past, not yet raised) for the whole scheme, the whole daily run with
them (marks, family texts, digests), and the loans list's first page and count of overdue
loans for the council with the most devices.

On a dataset from benchmarks.generate, one open loan in 7 gets a review date and one in 11 a
return date, spread from 40 days past to 40 days ahead; everything is rolled back, nothing is
left in the database. Run: python -m benchmarks.loan_reminders [--database-url URL]
(the national dataset has some 1.9 million loans: do not run it on a shared machine)."""

import argparse
import sys
import time
from collections.abc import Sequence
from datetime import date, datetime
from datetime import time as day_time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from accounts.scoping import with_reach
from devices import alert_queries, alerts, loans
from devices.alert_queries import LOAN_RETURN, LOAN_REVIEW, Policies
from dfc.caller import Caller
from dfc.db import build_engine
from notifications.models import AlertPolicy

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dfc_bench"
DATES = """
UPDATE allocation SET
  review_on = CASE WHEN id % 7 = 0 THEN :today + (id % 81 - 40) END,
  return_by = CASE WHEN id % 11 = 0 THEN :today + (id % 83 - 40) END
WHERE returned_on IS NULL AND (id % 7 = 0 OR id % 11 = 0);
ANALYZE allocation;
"""


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _largest_council(session: Session) -> Caller:
    largest = session.execute(
        text(
            "SELECT coalesce(o.council_id, o.id) FROM allocation a "
            "JOIN organisation o ON o.id = a.school_id GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
        )
    ).scalar_one()
    council = session.get_one(Organisation, largest)
    caller = Caller(
        organisation_id=council.id,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name=council.name,
        role=None,
        name="benchmark",
    )
    return with_reach(session, caller)


def run(engine: Engine, *, today: date) -> list[str]:
    """Each figure as a line, in one transaction rolled back."""
    lines: list[str] = []
    with engine.connect() as connection:
        outer = connection.begin()
        try:
            session = Session(bind=connection)
            connection.execute(text("SET LOCAL statement_timeout = '300s'"))
            started = time.perf_counter()
            for statement in DATES.split(";"):
                if statement.strip():
                    connection.execute(text(statement), {"today": today})
            lines.append(f"dates set on a share of open loans in {_ms(started):.0f} ms")
            councils = session.scalars(
                select(Organisation.id).where(Organisation.kind == OrganisationKind.COUNCIL)
            ).all()
            policy = Policies({c: AlertPolicy(council_id=c) for c in councils}, every_council=True)
            statements = alert_queries.scan_statements(policy, today)
            for kind in (LOAN_REVIEW, LOAN_RETURN):
                started = time.perf_counter()
                found = alerts.read_kind(session, kind, statements[kind], policy, today)
                lines.append(f"scan {kind}: {len(found):,} due in {_ms(started):.0f} ms")
            started = time.perf_counter()
            queued = alerts.run_daily_alerts(session, today=today)
            lines.append(f"the whole daily run: {queued:,} messages in {_ms(started):.0f} ms")
            started = time.perf_counter()
            again = alerts.run_daily_alerts(session, today=today)
            lines.append(f"the same day again: {again:,} messages in {_ms(started):.0f} ms")
            caller = _largest_council(session)
            now = datetime.combine(today, day_time(9), ZoneInfo("Europe/London"))
            overdue = loans.loans(
                caller, today=today, now=now, filters=loans.Filters(due=loans.DueState.OVERDUE)
            )
            started = time.perf_counter()
            count = session.execute(select(func.count()).select_from(overdue.subquery()))
            total = count.scalar_one()
            lines.append(f"{caller.organisation_name}: {total:,} overdue in {_ms(started):.0f} ms")
            started = time.perf_counter()
            first = session.execute(overdue.order_by(text("next_date")).limit(50)).all()
            lines.append(f"  first page of {len(first)} in {_ms(started):.0f} ms")
            unagreed = loans.loans(
                caller,
                today=today,
                now=now,
                filters=loans.Filters(agreement=loans.AgreementState.NONE),
            )
            started = time.perf_counter()
            first = session.execute(unagreed.order_by(text("next_date")).limit(50)).all()
            lines.append(f"  first page without agreement ({len(first)}) in {_ms(started):.0f} ms")
        finally:
            outer.rollback()
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 25))
    args = parser.parse_args(argv)
    engine = build_engine(args.database_url)
    try:
        for line in run(engine, today=args.today):
            print(line, flush=True)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
