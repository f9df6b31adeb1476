"""Predecessor and successor schools, as the schools register (GIAS) links them: a school
that converts to an academy, closes or merges names the school that takes on its pupils.
Both schools stay, each with its URN, so history keeps the old URN."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, or_, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation, OrganisationKind, Role
from accounts.scoping import scoped, visible_organisations
from dfc.caller import Caller
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class LinkKind(StrEnum):
    """The schools register's link types, in our words."""

    ACADEMY_CONVERSION = "academy-conversion"
    CLOSURE = "closure"
    MERGER = "merger"


def _school_fk() -> Column:
    return Column(
        Integer, ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True
    )


class SchoolLink(SQLModel, table=True):
    """One school succeeded by another from a date; the URNs are copied so the link reads
    the same whatever is renamed later."""

    __tablename__ = "school_link"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    predecessor_id: int = Field(sa_column=not_personal().on(_school_fk()))
    successor_id: int = Field(sa_column=not_personal().on(_school_fk()))
    kind: LinkKind = Field(sa_type=string_enum(LinkKind), **not_personal())
    linked_on: date = Field(**not_personal())
    predecessor_urn: str = Field(max_length=7, **not_personal())
    successor_urn: str = Field(max_length=7, **not_personal())
    recorded_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


MANAGERS = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER)
SORTABLE = {
    "id": SchoolLink.id,
    "linked_on": SchoolLink.linked_on,
    "predecessor_urn": SchoolLink.predecessor_urn,
    "successor_urn": SchoolLink.successor_urn,
    "kind": SchoolLink.kind,
}


def school_by_urn_or_id(
    session: Session, *, urn: str | None = None, school_id: int | None = None, field: str
) -> Organisation:
    """Any school in the scheme, by URN (public, as in the schools register) or id: a move
    or a successor may be in another council, which the caller does not otherwise reach."""
    statement = select(Organisation).where(Organisation.kind == OrganisationKind.SCHOOL)
    if urn is not None:
        statement = statement.where(Organisation.urn == urn.strip())
    elif school_id is not None:
        statement = statement.where(Organisation.id == school_id)
    else:
        raise InvalidInput("Name the school by its URN", field=field)
    school = session.exec(statement).one_or_none()
    if school is None:
        named = f"URN {urn}" if urn is not None else f"id {school_id}"
        raise InvalidInput(f"No school with {named}", field=field)
    return school


def visible_links(caller: Caller, *, kind: LinkKind | None = None) -> SelectOfScalar[SchoolLink]:
    """Links where the caller reaches the predecessor or the successor."""
    statement = select(SchoolLink)
    if caller.organisation_kind is not OrganisationKind.SCHEME:
        reached = select(Organisation.id).where(visible_organisations(caller))
        statement = statement.where(
            or_(SchoolLink.predecessor_id.in_(reached), SchoolLink.successor_id.in_(reached))
        )
    if kind is not None:
        statement = statement.where(SchoolLink.kind == kind)
    return statement


def get_link(session: Session, *, caller: Caller, link_id: int) -> SchoolLink:
    found = session.exec(visible_links(caller).where(SchoolLink.id == link_id)).one_or_none()
    if found is None:
        raise NotFound(f"No school link with id {link_id}")
    return found


def link_schools(
    session: Session,
    *,
    caller: Caller,
    predecessor_id: int,
    successor_urn: str,
    kind: LinkKind,
    linked_on: date,
    actor: str,
) -> SchoolLink:
    """Records that `successor_urn` succeeds the predecessor, which the caller (a council
    officer of its council, or a scheme admin) must reach."""
    if not caller.has_role(*MANAGERS):
        raise Forbidden("Only council officers and scheme admins can link schools")
    statement = scoped(select(Organisation), caller, Organisation.id).where(
        Organisation.id == predecessor_id, Organisation.kind == OrganisationKind.SCHOOL
    )
    predecessor = session.exec(statement).one_or_none()
    if predecessor is None:
        raise NotFound(f"No school with id {predecessor_id}")
    successor = school_by_urn_or_id(session, urn=successor_urn, field="successor_urn")
    if successor.id == predecessor.id:
        raise InvalidInput("A school cannot succeed itself", field="successor_urn")
    existing = session.exec(
        select(SchoolLink).where(SchoolLink.predecessor_id == predecessor.id)
    ).first()
    if existing is not None:
        raise Conflict(
            f"{predecessor.name} (URN {predecessor.urn}) already has a successor, "
            f"URN {existing.successor_urn}"
        )
    link = SchoolLink(
        predecessor_id=predecessor.id,
        successor_id=successor.id,
        kind=kind,
        linked_on=linked_on,
        predecessor_urn=predecessor.urn or "",
        successor_urn=successor.urn or "",
        recorded_by=actor,
    )
    session.add(link)
    session.flush()
    return link


def links_of(session: Session, *, school_id: int) -> list[SchoolLink]:
    """A school's predecessors and successors, oldest first (for its page)."""
    statement = select(SchoolLink).where(
        or_(SchoolLink.predecessor_id == school_id, SchoolLink.successor_id == school_id)
    )
    return list(session.exec(statement.order_by(SchoolLink.linked_on, SchoolLink.id)))
