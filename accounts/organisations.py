"""Rules for councils, trusts and schools: who may see, add, change and remove them."""

from sqlalchemy import Select, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation, OrganisationKind, Role, SchoolPhase, User
from accounts.schemas import CouncilCreate, SchoolCreate, SchoolUpdate, TrustCreate
from accounts.scoping import visible_organisations
from dfc.caller import Caller
from dfc.db import flush_or_undo
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound

SCHEME_NAME = "Devices for Children scheme"
SORTABLE = {
    "id": Organisation.id,
    "name": Organisation.name,
    "urn": Organisation.urn,
    "la_code": Organisation.la_code,
    "phase": Organisation.phase,
    "created_at": Organisation.created_at,
}

_SCHOOL_COUNTS = (
    select(Organisation.council_id, func.count().label("school_count"))
    .where(Organisation.kind == OrganisationKind.SCHOOL)
    .group_by(Organisation.council_id)
    .subquery("school_counts")
)
COUNCIL_SCHOOL_COUNT = func.coalesce(_SCHOOL_COUNTS.c.school_count, 0).label("school_count")
COUNCIL_SORTABLE = {
    "id": Organisation.id,
    "name": Organisation.name,
    "gss_code": Organisation.gss_code,
    "la_code": Organisation.la_code,
    "school_count": COUNCIL_SCHOOL_COUNT,
}


def ensure_scheme(session: Session) -> Organisation:
    """The national scheme's own organisation, home of scheme admins; made on first need."""
    scheme = session.exec(
        select(Organisation).where(Organisation.kind == OrganisationKind.SCHEME)
    ).one_or_none()
    if scheme is None:
        scheme = Organisation(kind=OrganisationKind.SCHEME, name=SCHEME_NAME)
        session.add(scheme)
        session.flush()
    return scheme


def visible_query(
    caller: Caller,
    *,
    kind: OrganisationKind | None = None,
    council_id: int | None = None,
    trust_id: int | None = None,
    phase: SchoolPhase | None = None,
    search: str | None = None,
) -> SelectOfScalar[Organisation]:
    """Organisations the caller may see, filtered."""
    statement = select(Organisation).where(visible_organisations(caller))
    if kind is not None:
        statement = statement.where(Organisation.kind == kind)
    if council_id is not None:
        statement = statement.where(Organisation.council_id == council_id)
    if trust_id is not None:
        statement = statement.where(Organisation.trust_id == trust_id)
    if phase is not None:
        statement = statement.where(Organisation.phase == phase)
    if search:
        pattern = f"%{search.lower()}%"
        statement = statement.where(
            or_(func.lower(Organisation.name).like(pattern), Organisation.urn == search)
        )
    return statement


def get_organisation(
    session: Session,
    *,
    caller: Caller,
    organisation_id: int,
    kind: OrganisationKind | None = None,
) -> Organisation:
    """The organisation if the caller may see it; otherwise NotFound, as if it did not exist."""
    found = session.exec(
        visible_query(caller, kind=kind).where(Organisation.id == organisation_id)
    ).one_or_none()
    if found is None:
        noun = kind.value if kind else "organisation"
        raise NotFound(f"No {noun} with id {organisation_id}")
    return found


def _require_manager(caller: Caller) -> None:
    if not caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        raise Forbidden("Only scheme admins and council officers can change organisations")


def _require_scheme_admin(caller: Caller) -> None:
    if not caller.has_role(Role.SCHEME_ADMIN):
        raise Forbidden("Only scheme admins can add councils and trusts")


def _check_trust(session: Session, caller: Caller, trust_id: int | None) -> None:
    if trust_id is None:
        return
    trust = session.get(Organisation, trust_id)
    if trust is None or trust.kind is not OrganisationKind.TRUST:
        raise InvalidInput(f"No trust with id {trust_id}", field="trust_id")


def _flush_unique(session: Session, what: str, *, field: str | None = None) -> None:
    """Flush, turning a unique-constraint failure into a 409 that names the duplicate."""
    try:
        flush_or_undo(session)  # a refusal undoes this write only
    except IntegrityError:
        raise Conflict(f"{what} already exists", field=field) from None


def create_school(session: Session, *, caller: Caller, school_in: SchoolCreate) -> Organisation:
    _require_manager(caller)
    try:
        get_organisation(
            session,
            caller=caller,
            organisation_id=school_in.council_id,
            kind=OrganisationKind.COUNCIL,
        )
    except NotFound:
        raise InvalidInput(
            f"No council with id {school_in.council_id}", field="council_id"
        ) from None
    _check_trust(session, caller, school_in.trust_id)
    school = Organisation(kind=OrganisationKind.SCHOOL, **school_in.model_dump())
    session.add(school)
    _flush_unique(session, f"A school with URN {school_in.urn}", field="urn")
    return school


def update_school(
    session: Session, *, caller: Caller, school_id: int, school_in: SchoolUpdate
) -> Organisation:
    school = get_organisation(
        session, caller=caller, organisation_id=school_id, kind=OrganisationKind.SCHOOL
    )
    _require_manager(caller)
    changes = school_in.model_dump(exclude_unset=True)
    if "trust_id" in changes:
        _check_trust(session, caller, changes["trust_id"])
    for field, value in changes.items():
        setattr(school, field, value)
    session.add(school)
    session.flush()
    return school


def delete_school(session: Session, *, caller: Caller, school_id: int) -> None:
    """Removes a school that nothing refers to; one with staff is refused with the reason."""
    school = get_organisation(
        session, caller=caller, organisation_id=school_id, kind=OrganisationKind.SCHOOL
    )
    _require_manager(caller)
    staff = session.exec(
        select(func.count()).select_from(User).where(User.organisation_id == school.id)
    ).one()
    if staff:
        raise Conflict(f"School {school.urn} still has {staff} staff user(s); remove them first")
    urn = school.urn
    try:
        with session.begin_nested():  # a refusal undoes this delete only, not the caller's work
            session.delete(school)
    except IntegrityError:
        # Devices, families and requests refer to their school and are never cascaded away.
        raise Conflict(
            f"School {urn} still has devices, families or other records; move or remove them first"
        ) from None


def create_council(session: Session, *, caller: Caller, council_in: CouncilCreate) -> Organisation:
    _require_scheme_admin(caller)
    council = Organisation(kind=OrganisationKind.COUNCIL, **council_in.model_dump())
    session.add(council)
    _flush_unique(
        session, f"A council with GSS code {council_in.gss_code} or LA code {council_in.la_code}"
    )
    return council


def create_trust(session: Session, *, caller: Caller, trust_in: TrustCreate) -> Organisation:
    _require_scheme_admin(caller)
    trust = Organisation(kind=OrganisationKind.TRUST, name=trust_in.name)
    session.add(trust)
    session.flush()
    return trust


def count_by_kind(session: Session, *, caller: Caller) -> dict[OrganisationKind, int]:
    """How many organisations of each kind the caller can see, in one query."""
    visible = visible_query(caller).subquery()
    rows = session.exec(select(visible.c.kind, func.count()).group_by(visible.c.kind)).all()
    return {OrganisationKind(kind): int(count) for kind, count in rows}


def council_summaries(caller: Caller, *, search: str | None = None) -> Select:
    """Councils the caller can see, each with its number of schools (one query, no N+1)."""
    statement = (
        select(
            Organisation.id,
            Organisation.name,
            Organisation.gss_code,
            Organisation.la_code,
            Organisation.inner_london,
            COUNCIL_SCHOOL_COUNT,
        )
        .outerjoin(_SCHOOL_COUNTS, _SCHOOL_COUNTS.c.council_id == Organisation.id)
        .where(visible_organisations(caller), Organisation.kind == OrganisationKind.COUNCIL)
    )
    if search:
        statement = statement.where(func.lower(Organisation.name).like(f"%{search.lower()}%"))
    return statement


def organisation_choices(
    session: Session,
    *,
    caller: Caller,
    kind: OrganisationKind | None = None,
    search: str | None = None,
    limit: int | None = None,
) -> list[Organisation]:
    """The organisations the caller can see (of one kind, or all; those matching `search`),
    by kind then name: what a form or a filter may offer."""
    statement = visible_query(caller, kind=kind, search=search).order_by(
        Organisation.kind, Organisation.name, Organisation.id
    )
    return list(session.exec(statement.limit(limit)).all())


def display_names(session: Session, *, ids: set[int]) -> dict[int, str]:
    """Names of the organisations a shown record links to (a school's council and trust).
    Not scoped: the name of a school's own council or trust is part of the school's record."""
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rows = session.exec(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted))
    ).all()
    return {row.id: row.name for row in rows}
