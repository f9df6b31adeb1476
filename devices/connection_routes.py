"""How the families recorded without home broadband are connected, by school: a dongle
lent with a device, a SIM-only loan for the account holder's phone, or nothing yet. So a
council sees who is still unconnected. A family with both a dongle and a SIM counts once,
under the dongle. Data uplifts on a family's own phone come with the uplift requests
(issue 19 part 2), as another route beside these."""

from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, exists, func, select

from accounts.models import Organisation
from accounts.scoping import scoped
from devices.models import Allocation, Family, SimLoan
from dfc.caller import Caller


class Route(StrEnum):
    DONGLE = "dongle"
    SIM_ONLY = "sim-only"
    NONE = "none"


def route_of_family() -> Any:
    """CASE: how a family (the outer Family row) is connected today."""
    dongle = exists().where(
        Allocation.family_id == Family.id,
        Allocation.returned_on.is_(None),
        Allocation.dongle_id.is_not(None),
    )
    sim = exists().where(SimLoan.family_id == Family.id, SimLoan.returned_on.is_(None))
    return case((dongle, Route.DONGLE.value), (sim, Route.SIM_ONLY.value), else_=Route.NONE.value)


def families_without_broadband(caller: Caller, *, school_id: int | None = None) -> Select[Any]:
    """Each family the caller reaches recorded without home broadband, with its route."""
    statement = select(
        Family.id,
        Family.school_id,
        Family.pupil_reference,
        Family.year_group,
        route_of_family().label("route"),
    ).where(Family.home_broadband.is_(False))
    if school_id is not None:
        statement = statement.where(Family.school_id == school_id)
    return scoped(statement, caller, Family.school_id)


def routes_by_school(caller: Caller, *, school_id: int | None = None) -> Select[Any]:
    """One row a school: families without broadband, and how many by each route."""
    families = families_without_broadband(caller, school_id=school_id).subquery("families")

    def count(route: Route) -> Any:
        return func.coalesce(func.sum(case((families.c.route == route.value, 1), else_=0)), 0)

    return (
        select(
            families.c.school_id,
            Organisation.name.label("school_name"),
            func.count().label("without_broadband"),
            count(Route.DONGLE).label("dongle"),
            count(Route.SIM_ONLY).label("sim_only"),
            count(Route.NONE).label("unconnected"),
        )
        .join(Organisation, Organisation.id == families.c.school_id)
        .group_by(families.c.school_id, Organisation.name)
    )


def routes_report(caller: Caller, *, school_id: int | None = None) -> tuple[Select[Any], dict]:
    """The by-school report as a plain select with its sortable columns (the school id
    breaks ties), for the API's and pages' listing."""
    report = routes_by_school(caller, school_id=school_id).subquery("routes")
    sortable = {column.name: column for column in report.c}
    sortable["id"] = report.c.school_id
    return select(report), sortable


def families_report(
    caller: Caller, *, school_id: int | None = None, route: Route | None = None
) -> tuple[Select[Any], dict]:
    """Each family without broadband with its route, filterable by route, sortable. Over
    Family itself, so the access audit can read the families an export holds from it."""
    statement = families_without_broadband(caller, school_id=school_id)
    if route is not None:
        statement = statement.where(route_of_family() == route.value)
    sortable = {
        "id": Family.id,
        "school_id": Family.school_id,
        "pupil_reference": Family.pupil_reference,
        "year_group": Family.year_group,
        "route": route_of_family(),
    }
    return statement, sortable
