"""What a dashboard list is: its heading, the statement behind it, its columns, what the
URL may narrow it by, and where its rows link. The long lists are in `dashboard_lists`, the
rows behind each count in `count_lists`."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select

from reporting.dashboard.drilldown import Narrowing
from reporting.dashboard.scope import DashboardScope
from reporting.dashboard.tables import Column

# A row's links: (row, a function giving a list's URL for this council and window).
RowLinks = Callable[[Mapping[str, Any], Callable[..., str]], dict[str, str | None]]


@dataclass(frozen=True)
class DashboardList:
    """A list page: its heading, the query behind it, and the columns it shows."""

    slug: str
    title: str
    intro: str
    noun: str
    statement: Callable[[DashboardScope, Narrowing], Select[Any]]
    columns: Sequence[Column]
    default_sort: str
    tiebreak: str
    uses_days: bool = False
    narrows_by: frozenset[str] = frozenset()
    row_links: RowLinks | None = None


def device_link(row: Mapping[str, Any], _link: Callable[..., str]) -> dict[str, str | None]:
    """A device's serial number opens its page."""
    return {"serial_number": f"/devices/{row['device_id']}"}
