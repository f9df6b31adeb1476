"""The one place where a caller becomes a query filter.

What a caller reaches follows from their organisation: the scheme reaches everything, a
council its own schools, a trust its academies, a school itself. Every list and every get
goes through `scoped`, so a guessed id from another organisation finds nothing (404).
"""

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, or_, select, true

from accounts.models import Organisation, OrganisationKind
from dfc.caller import Caller

Statement = TypeVar("Statement", bound=Select[Any])


def visible_organisations(caller: Caller) -> ColumnElement[bool]:
    """A filter over Organisation rows: those the caller may see."""
    own = caller.organisation_id
    match caller.organisation_kind:
        case OrganisationKind.SCHEME:
            return true()
        case OrganisationKind.COUNCIL:
            return or_(Organisation.id == own, Organisation.council_id == own)
        case OrganisationKind.TRUST:
            return or_(Organisation.id == own, Organisation.trust_id == own)
        case _:
            return Organisation.id == own


def scoped(statement: Statement, caller: Caller, organisation_column: Any) -> Statement:
    """`statement` limited to rows whose `organisation_column` the caller may see."""
    if caller.organisation_kind is OrganisationKind.SCHEME:
        return statement
    reachable = select(Organisation.id).where(visible_organisations(caller))
    return statement.where(organisation_column.in_(reachable))
