"""The one place where a caller becomes a query filter.

What a caller reaches follows from their organisation: the scheme reaches everything, a
council its own schools, a trust its academies, a school itself. Every list and every get
goes through `scoped`, so a guessed id from another organisation finds nothing (404).

The organisations are resolved once per credential check (`with_reach`); each query then
filters by that list (`= ANY(:ids)`, one array parameter), so the planner sees how few rows
a council holds and uses the indexes on holder, where a subquery over the organisation
table led it to read the whole register. A caller made without them
(tasks, scripts) still gets the subquery, with the same rows.
"""

from collections.abc import Collection
from dataclasses import replace
from typing import Any, TypeVar

from sqlalchemy import JSON, ColumnElement, Select, bindparam, or_, select, true
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean, TypeDecorator, UserDefinedType
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind
from dfc.caller import Caller
from dfc.id_arrays import id_array

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


def with_reach(session: Session, caller: Caller) -> Caller:
    """`caller` with the ids of every organisation they reach, in one query (the scheme
    reaches everything: nothing to resolve)."""
    if caller.organisation_kind is OrganisationKind.SCHEME or caller.reach is not None:
        return caller
    ids = session.scalars(
        select(Organisation.id).where(visible_organisations(caller)).order_by(Organisation.id)
    ).all()
    return replace(caller, reach=tuple(ids))


class _IntegerArray(UserDefinedType):
    """An integer array whose value psycopg dumps itself (an IdArray): no conversion here."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "INTEGER[]"

    def literal_processor(self, dialect: Any) -> Any:
        return lambda value: value.literal()


class _IdList(TypeDecorator):
    """A tuple of ids sent as one parameter: an integer array on PostgreSQL, its text made
    once per tuple (dfc.id_arrays; sent as text and cast, the device list was four times
    slower in benchmarks/api_load.py), JSON elsewhere."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Any) -> Any:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(_IntegerArray())
        return dialect.type_descriptor(JSON())

    def process_bind_param(self, value: Any, dialect: Any) -> Any:
        if value is None:
            return None
        if dialect.name == "postgresql":
            return id_array(tuple(value))
        return list(value)


class _AmongIds(ColumnElement[bool]):
    """`column` is one of the ids: `= ANY(:ids)` on PostgreSQL, `IN (SELECT value FROM
    json_each(:ids))` on SQLite. One parameter however many ids, so the statement's text and
    its compiled form are the same for every caller (a list of 400 parameters cost 15-30 ms
    a statement to bind)."""

    __visit_name__ = "among_ids"
    inherit_cache = True
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("ids", InternalTraversal.dp_clauseelement),
    ]
    type = Boolean()

    def __init__(self, column: Any, ids: tuple[int, ...]) -> None:
        self.column = column
        self.ids = bindparam(None, ids, type_=_IdList())


@compiles(_AmongIds)
def _among_ids(element: _AmongIds, compiler: Any, **kw: Any) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} IN (SELECT value FROM json_each({ids}))"  # noqa: S608 (compiled parts)


@compiles(_AmongIds, "postgresql")
def _among_ids_postgresql(element: _AmongIds, compiler: Any, **kw: Any) -> str:
    column, ids = compiler.process(element.column, **kw), compiler.process(element.ids, **kw)
    return f"{column} = ANY({ids})"


def scoped(statement: Statement, caller: Caller, organisation_column: Any) -> Statement:
    """`statement` limited to rows whose `organisation_column` the caller may see."""
    if caller.organisation_kind is OrganisationKind.SCHEME:
        return statement
    if caller.reach is not None and len(caller.reach) == 1:
        return statement.where(organisation_column == caller.reach[0])  # an index's own order
    if caller.reach is not None:
        return statement.where(_AmongIds(organisation_column, caller.reach))
    reachable = select(Organisation.id).where(visible_organisations(caller))
    return statement.where(organisation_column.in_(reachable))


def among_ids(column: Any, ids: Collection[int]) -> ColumnElement[bool]:
    """`column` is one of `ids`, sent as one parameter however many (`= ANY(:ids)`)."""
    return _AmongIds(column, tuple(ids))
