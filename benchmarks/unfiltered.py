"""The unfiltered devices at national scale: the dashboard's count and the list's first page
for the council with the most devices, and the count for the whole scheme.

The benchmark database may predate the management tables, so the run makes them, fills them
(half the devices managed, a third of those by Intune, a fifth deprovisioned; every council
saying Intune filters; one router in 50 with an open review) and rolls everything back:
nothing is left in the database. Run: python -m benchmarks.unfiltered [DATABASE_URL]"""

import sys
import time
from datetime import date

from sqlalchemy import create_engine, func, select, text
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from accounts.scoping import with_reach
from devices.filtering import count_unfiltered, unfiltered
from dfc.caller import Caller

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dfc_bench"
TODAY = date(2026, 12, 5)
FILL = """
create table if not exists device_management as
  select row_number() over () as id, * from (
    select d.id as device_id,
           (case when d.id % 3 = 0 then 'intune' else 'google-admin' end)::varchar(32) as manager,
           (case when d.id % 5 = 0 then 'deprovisioned' else 'enrolled' end)::varchar(32) as state
    from device d where d.id % 2 = 0) m;
create unique index if not exists bench_device_management on device_management (device_id);
create table if not exists council_safeguarding as
  select id as council_id, true as intune_filters, false as google_admin_filters,
         false as other_mdm_filters
  from organisation where kind = 'council';
create table if not exists filtering_review (
  id serial, dongle_id int, reviewed_at timestamptz, flagged_on date);
insert into filtering_review (dongle_id, flagged_on)
  select id, date '2026-12-01' from dongle where id % 50 = 0;
create index if not exists bench_filtering_review on filtering_review (dongle_id);
analyze device_management; analyze council_safeguarding; analyze filtering_review;
"""


def _ms(started: float) -> str:
    return f"{(time.perf_counter() - started) * 1000:.0f} ms"


def main(url: str) -> None:
    engine = create_engine(url)
    with engine.connect() as connection:
        transaction = connection.begin()
        try:
            session = Session(bind=connection)
            connection.execute(text("set local statement_timeout = '120s'"))
            connection.execute(text(FILL))
            largest = session.execute(
                text(
                    "select coalesce(o.council_id, o.id) from device d "
                    "join organisation o on o.id = d.holder_id group by 1 "
                    "order by count(*) desc limit 1"
                )
            ).scalar_one()
            council = session.get_one(Organisation, largest)
            caller = with_reach(
                session,
                Caller(
                    organisation_id=council.id,
                    organisation_kind=OrganisationKind.COUNCIL,
                    organisation_name=council.name,
                    role=None,
                    name="benchmark",
                ),
            )
            for label in ("count (cold)", "count"):
                started = time.perf_counter()
                found = count_unfiltered(session, caller, today=TODAY)
                print(f"{council.name}: {label} {found:,} in {_ms(started)}")
            started = time.perf_counter()
            page = unfiltered(caller, today=TODAY).order_by(text("since"), text("label"))
            rows = session.execute(page.limit(50)).all()
            print(f"{council.name}: first page of {len(rows)} in {_ms(started)}")
            scheme = Caller(
                organisation_id=0,
                organisation_kind=OrganisationKind.SCHEME,
                organisation_name="scheme",
                role=None,
                name="benchmark",
            )
            started = time.perf_counter()
            statement = select(func.count()).select_from(unfiltered(scheme, today=TODAY).subquery())
            print(f"national count {session.execute(statement).scalar_one():,} in {_ms(started)}")
        finally:
            transaction.rollback()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else DEFAULT_URL)
