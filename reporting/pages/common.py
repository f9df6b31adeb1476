"""What every dashboard page shares: whose figures (?council=), the window (?days=), the
links between the pages that keep both, and the template folder."""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query
from sqlmodel import Session

from accounts.models import OrganisationKind
from dfc.caller import Caller
from dfc.settings import get_settings
from reporting.dashboard.daily import Computed
from reporting.dashboard.ending import DEFAULT_WINDOW, WINDOWS, checked_window
from reporting.dashboard.scope import DashboardScope, councils_for, dashboard_scope

CouncilParam = Annotated[int | None, Query(alias="council", ge=1)]
DaysParam = Annotated[int, Query(alias="days")]


def checked_days(days: int) -> int:
    return checked_window(days)


def computed_text(computed: Computed | None) -> str | None:
    """'5 December 2026 at 02:00' in the scheme's time zone; None for live figures."""
    if computed is None:
        return None
    at = computed.computed_at.astimezone(get_settings().zone)
    return f"{at.day} {at:%B %Y} at {at:%H:%M}"


def query(scope: DashboardScope, caller: Caller, **extra: Any) -> str:
    """'?council=3&days=90' for links between the dashboard's pages: the council only for
    those who chose it (scheme administrators)."""
    params: dict[str, Any] = {}
    if scope.council is not None and caller.organisation_kind is not OrganisationKind.COUNCIL:
        params["council"] = scope.council.id
    params.update({key: value for key, value in extra.items() if value is not None})
    return f"?{urlencode(params)}" if params else ""


def list_link(
    scope: DashboardScope, caller: Caller, slug: str, *, days: int | None = None, **narrowing: Any
) -> str:
    """The dashboard list behind a count: '/dashboard/cover-ending?days=90&month=2027-01'."""
    return f"/dashboard/{slug}{query(scope, caller, days=days, **narrowing)}"


def page_context(
    session: Session, caller: Caller, council_id: int | None, days: int = DEFAULT_WINDOW
) -> tuple[DashboardScope, dict[str, Any]]:
    """The scope, and what every dashboard template needs to show and link it."""
    scope = dashboard_scope(session, caller, council_id)
    chooses = caller.organisation_kind is OrganisationKind.SCHEME
    context = {
        "scope": scope,
        "council_name": scope.council.name if scope.council else "all councils",
        "councils": councils_for(session, caller) if chooses else [],
        "chooses_council": chooses,
        "council_id": scope.council.id if scope.council else None,
        "days": days,
        "windows": WINDOWS,
        "links": {
            "dashboard": f"/dashboard{query(scope, caller, days=days)}",
            "forecast": f"/dashboard/forecast{query(scope, caller)}",
            "schools": f"/dashboard/schools{query(scope, caller, days=days)}",
            "short_of_cover": f"/dashboard/short-of-cover{query(scope, caller)}",
            "in_service": f"/dashboard/devices-in-service{query(scope, caller)}",
            "family_owned": f"/dashboard/ownership-passed{query(scope, caller)}",
            "sims_at_cap": f"/dashboard/sims-at-cap{query(scope, caller)}",
            "unmet_demand": f"/dashboard/unmet-demand{query(scope, caller)}",
            "past_end_of_updates": f"/dashboard/past-end-of-updates{query(scope, caller)}",
            "updates_ending": f"/dashboard/updates-ending{query(scope, caller, days=days)}",
        },
        "csv_link": lambda table: f"/dashboard/{table}.csv{query(scope, caller, days=days)}",
    }
    return scope, context
