"""Whose figures the dashboard shows: a council officer sees their own council; a scheme
administrator sees the whole scheme or, with ?council=<id>, one council as its officers do."""

from dataclasses import dataclass

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from accounts.organisations import get_organisation
from accounts.scoping import visible_organisations, with_reach
from dfc.caller import Caller
from dfc.errors import NotFound


@dataclass(frozen=True)
class DashboardScope:
    """The caller whose reach the figures use, and the council they are for (None: all)."""

    caller: Caller
    council: Organisation | None


def dashboard_scope(session: Session, caller: Caller, council_id: int | None) -> DashboardScope:
    """The scope for `council_id`; a council the caller does not reach is a 404."""
    if council_id is None:
        if caller.organisation_kind is OrganisationKind.COUNCIL:
            council_id = caller.organisation_id
        else:
            return DashboardScope(caller, None)
    try:
        council = get_organisation(
            session, caller=caller, organisation_id=council_id, kind=OrganisationKind.COUNCIL
        )
    except NotFound:
        raise NotFound(f"No council with id {council_id}") from None
    # Its schools resolved once: the live lists then filter by `= ANY(:ids)`, which the
    # planner sizes right (a subquery over organisations made it read the whole register).
    acting = Caller(
        organisation_id=council.id or 0,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name=council.name,
        role=caller.role,
        user_id=caller.user_id,
        api_key_id=caller.api_key_id,
        name=caller.name,
    )
    return DashboardScope(with_reach(session, acting), council)


def councils_for(session: Session, caller: Caller) -> list[tuple[int, str]]:
    """(id, name) of the councils the caller may choose between, by name."""
    statement = (
        select(Organisation.id, Organisation.name)
        .where(visible_organisations(caller), Organisation.kind == OrganisationKind.COUNCIL)
        .order_by(Organisation.name, Organisation.id)
    )
    return [(row.id, row.name) for row in session.exec(statement)]
