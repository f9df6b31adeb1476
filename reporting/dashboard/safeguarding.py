"""The dashboard's safeguarding line: how many devices are unfiltered now (counted live:
one indexed query, see docs/performance.md) and whether the council set a safeguarding lead."""

from dataclasses import dataclass

from sqlmodel import Session

from devices.filtering import count_unfiltered
from devices.service.safeguarding import Lead, lead_of
from dfc import clock
from reporting.dashboard.scope import DashboardScope


@dataclass(frozen=True)
class SafeguardingLine:
    unfiltered: int
    lead: Lead | None
    council_chosen: bool


def safeguarding_line(session: Session, scope: DashboardScope) -> SafeguardingLine:
    council = scope.council
    return SafeguardingLine(
        unfiltered=count_unfiltered(session, scope.caller, today=clock.today()),
        lead=lead_of(session, council.id) if council is not None else None,
        council_chosen=council is not None,
    )
