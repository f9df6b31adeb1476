"""The dashboard's register figures: devices by status, and the long lists (short of three
years' cover, SIMs at their data cap, unmet demand) with each school's name. Each wraps one
of `devices.queries`' reports, so the dashboard, the API and the alerts agree."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session

from accounts.models import Organisation
from devices import queries
from dfc.caller import Caller
from reporting.dashboard import drilldown
from reporting.dashboard.updates import past_end_of_updates

AT_CAP_PERCENT = 100


@dataclass(frozen=True)
class Headlines:
    """The figures at the top of the dashboard."""

    devices_in_service: int
    owned_by_families: int
    short_of_cover: int
    sims_at_cap: int
    devices_unmet: int
    past_end_of_updates: int


def devices_by_status(caller: Caller) -> Select[Any]:
    """(status, devices) across everything the caller reaches; devices families own are
    theirs and leave these figures, as in `stock_by_status`."""
    stock = queries.stock_by_status(caller).subquery()
    return select(stock.c.status, func.sum(stock.c.devices).label("devices")).group_by(
        stock.c.status
    )


def _with_school(report: Select[Any], column: str) -> Select[Any]:
    """`report`'s rows with the name of the organisation in `column`."""
    rows = report.subquery()
    return select(*rows.c, Organisation.name.label("school")).join(
        Organisation, Organisation.id == rows.c[column]
    )


def short_of_cover(caller: Caller) -> Select[Any]:
    return _with_school(queries.short_of_three_year_cover(caller), "holder_id")


def sims_at_cap(caller: Caller, *, today: date) -> Select[Any]:
    report = queries.sims_over_allowance(caller, percent=AT_CAP_PERCENT, today=today)
    return _with_school(report, "holder_id")


def unmet_demand_by_school(caller: Caller) -> Select[Any]:
    return _with_school(queries.unmet_demand(caller, by="school"), "school_id")


def _count(session: Session, report: Select[Any]) -> int:
    return int(session.execute(select(func.count()).select_from(report.subquery())).scalar_one())


def headlines(session: Session, caller: Caller, *, today: date) -> Headlines:
    unmet = queries.unmet_demand(caller, by="school").subquery()
    return Headlines(
        # Counted from the statements the lists behind them show, so the two agree.
        devices_in_service=_count(session, drilldown.devices_in_service(caller)),
        owned_by_families=_count(session, drilldown.devices_families_own(caller)),
        short_of_cover=_count(session, queries.short_of_three_year_cover(caller)),
        sims_at_cap=_count(
            session, queries.sims_over_allowance(caller, percent=AT_CAP_PERCENT, today=today)
        ),
        devices_unmet=int(
            session.execute(select(func.coalesce(func.sum(unmet.c.unmet), 0))).scalar_one()
        ),
        past_end_of_updates=_count(session, past_end_of_updates(caller, today=today)),
    )
