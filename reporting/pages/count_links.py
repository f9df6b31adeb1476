"""Where each count on the dashboard leads: the list of exactly what it counts. Register
counts open the dashboard's own lists (same council, same window); ticket counts open the
support queue with the matching filters."""

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

from devices.models import DeviceStatus
from dfc.caller import Caller
from reporting.dashboard.months import month_key
from reporting.dashboard.overview import status_name
from reporting.dashboard.scope import DashboardScope
from reporting.dashboard.tables import Linker, Table
from reporting.pages.common import list_link
from reporting.pages.count_lists import ENDING_LISTS
from support.models import Category
from support.reports import SLA_STATE_NAMES, category_name

STATUS_BY_NAME = {status_name(status.value): status.value for status in DeviceStatus}
SLA_BY_NAME = {name: state.value for state, name in SLA_STATE_NAMES.items()}
CATEGORY_BY_NAME = {category_name(category.value): category.value for category in Category}


def _linkers(scope: DashboardScope, caller: Caller, days: int) -> dict[str, Linker]:
    def link(slug: str, **narrowing: Any) -> str:
        return list_link(scope, caller, slug, days=days, **narrowing)

    def by_status(row: Sequence[Any]) -> dict[str, str | None]:
        status = STATUS_BY_NAME.get(row[0])
        return {"devices": list_link(scope, caller, "devices", status=status)}

    def by_month(row: Sequence[Any]) -> dict[str, str | None]:
        month = month_key(row[0])
        return {key: link(slug, month=month) for key, slug in ENDING_LISTS.items()}

    def by_school(row: Sequence[Any]) -> dict[str, str | None]:
        school = row[0].id
        return {
            "past_end_of_updates": link("past-end-of-updates", school=school),
            "updates_ending": link("updates-ending", school=school),
        }

    linkers: dict[str, Linker] = {
        "devices-by-status": by_status,
        "ending-by-month": by_month,
        "end-of-updates-by-school": by_school,
    }
    # The queue shows the caller's own reach; when an administrator picked a council, it is
    # narrowed to that council's tickets, as the counts are.
    picked = scope.council is not None and scope.council.id != caller.organisation_id
    return linkers | _ticket_linkers({"council": str(scope.council.id)} if picked else {})


def _ticket_linkers(narrowing: dict[str, str]) -> dict[str, Linker]:
    def _tickets(**filters: str) -> str:
        return f"/tickets?{urlencode(narrowing | filters)}"

    def by_sla(row: Sequence[Any]) -> dict[str, str | None]:
        return {"tickets": _tickets(sla=SLA_BY_NAME[row[0]])}

    def by_language(row: Sequence[Any]) -> dict[str, str | None]:
        code = row[1]
        return {"open": _tickets(language=code), "total": _tickets(language=code, status="all")}

    def by_category(row: Sequence[Any]) -> dict[str, str | None]:
        category = CATEGORY_BY_NAME.get(row[0])
        if category is None:
            return {}
        return {
            "open": _tickets(category=category),
            "total": _tickets(category=category, status="all"),
        }

    return {
        "open-tickets-by-sla-state": by_sla,
        "tickets-by-language": by_language,
        "tickets-by-category": by_category,
    }


def linked_tables(
    tables: dict[str, Table], scope: DashboardScope, caller: Caller, days: int
) -> dict[str, Table]:
    """The dashboard's tables with each count linked to its list."""
    linkers: dict[str, Callable[[Sequence[Any]], dict[str, str | None]]] = _linkers(
        scope, caller, days
    )
    return {
        name: table.linked(linkers[name]) if name in linkers else table
        for name, table in tables.items()
    }
