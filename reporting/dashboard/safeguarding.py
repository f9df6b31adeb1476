"""The dashboard's safeguarding line: how many devices are unfiltered now and whether the
council set a safeguarding lead. Counted live for one council (about 0.1 s for the largest
on the national-scale benchmark, docs/performance.md); not for all councils at once (1.7 s),
where the line links to the list without a count."""

from dataclasses import dataclass

from sqlmodel import Session

from devices.filtering import count_unfiltered
from devices.service.safeguarding import Lead, lead_of
from dfc import clock
from reporting.dashboard.scope import DashboardScope


@dataclass(frozen=True)
class SafeguardingLine:
    unfiltered: int | None  # None: not counted (all councils)
    lead: Lead | None
    council_chosen: bool


def safeguarding_line(session: Session, scope: DashboardScope) -> SafeguardingLine:
    council = scope.council
    if council is None:
        return SafeguardingLine(unfiltered=None, lead=None, council_chosen=False)
    return SafeguardingLine(
        unfiltered=count_unfiltered(session, scope.caller, today=clock.today()),
        lead=lead_of(session, council.id),
        council_chosen=True,
    )
