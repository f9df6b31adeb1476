"""Children's families: only what the service needs, scoped to their school."""

from collections.abc import Sequence

from fastapi.responses import StreamingResponse
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import OrganisationKind
from accounts.scoping import scoped
from devices.errors import flush_or_duplicate
from devices.models import Allocation, Family
from devices.schemas import FamilyCreate, FamilyUpdate
from devices.service.access import get_scoped, reachable_organisation, require_writer
from dfc.audit.models import SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_listing, record_shown
from dfc.caller import Caller
from dfc.errors import InvalidInput
from dfc.listing import Page
from dfc.paging import Paging, listing

ALLOCATION_SORTABLE = {
    "id": Allocation.id,
    "allocated_on": Allocation.allocated_on,
    "returned_on": Allocation.returned_on,
}
SORTABLE = {
    "id": Family.id,
    "pupil_reference": Family.pupil_reference,
    "year_group": Family.year_group,
    "created_at": Family.created_at,
}


def visible_families(
    caller: Caller, *, school_id: int | None = None, home_broadband: bool | None = None
) -> SelectOfScalar[Family]:
    statement = scoped(select(Family), caller, Family.school_id)
    if school_id is not None:
        statement = statement.where(Family.school_id == school_id)
    if home_broadband is not None:
        statement = statement.where(Family.home_broadband == home_broadband)
    return statement


def visible_allocations(
    caller: Caller,
    *,
    school_id: int | None = None,
    family_id: int | None = None,
    device_id: int | None = None,
    open_only: bool = False,
) -> SelectOfScalar[Allocation]:
    """Allocations at the caller's schools, newest first unless sorted otherwise."""
    statement = scoped(select(Allocation), caller, Allocation.school_id)
    for column, value in (
        (Allocation.school_id, school_id),
        (Allocation.family_id, family_id),
        (Allocation.device_id, device_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if open_only:
        statement = statement.where(Allocation.returned_on.is_(None))
    return statement


def families_of_school(session: Session, *, caller: Caller, school_id: int) -> list[Family]:
    """A school's families by pupil reference, for choosing one on a form."""
    statement = visible_families(caller, school_id=school_id).order_by(Family.pupil_reference)
    return list(session.exec(statement).all())


def get_family(session: Session, *, caller: Caller, family_id: int) -> Family:
    return get_scoped(session, caller, Family, family_id, Family.school_id, "family")


def show_family(session: Session, *, caller: Caller, family_id: int, seen: Where) -> Family:
    """The family, to show to the caller: the read is recorded in the access audit."""
    family = get_family(session, caller=caller, family_id=family_id)
    record_shown(session, caller, seen, subject_type=SubjectType.FAMILY, subjects=[family.id])
    return family


def list_families(
    session: Session,
    paging: Paging,
    *,
    caller: Caller,
    seen: Where,
    columns: Sequence[str],
    default_sort: str = "pupil_reference",
    school_id: int | None = None,
    home_broadband: bool | None = None,
) -> Page[Family] | StreamingResponse:
    """A page of the caller's families (or every one, as CSV), recorded as read (or
    exported) in the access audit."""
    statement = visible_families(caller, school_id=school_id, home_broadband=home_broadband)
    found = listing(
        session,
        statement,
        paging,
        sortable=SORTABLE,
        default_sort=default_sort,
        columns=columns,
        filename="families.csv",
    )
    record_listing(session, caller, seen, found, statement)
    return found


def families_to_choose(
    session: Session, *, caller: Caller, school_id: int, seen: Where
) -> list[Family]:
    """A school's families on a form to choose from: each is recorded as read."""
    found = families_of_school(session, caller=caller, school_id=school_id)
    record_shown(
        session, caller, seen, subject_type=SubjectType.FAMILY, subjects=[f.id for f in found]
    )
    return found


def record_families_who_had(
    session: Session, *, caller: Caller, device_id: int, seen: Where
) -> None:
    """A device's history names the families who had it (and how one accepted it)."""
    had_it = visible_allocations(caller, device_id=device_id).with_only_columns(
        Allocation.family_id
    )
    record_shown(
        session, caller, seen, subject_type=SubjectType.FAMILY, subjects=set(session.exec(had_it))
    )


def create_family(session: Session, *, caller: Caller, family_in: FamilyCreate) -> Family:
    require_writer(caller)
    school = reachable_organisation(session, caller, family_in.school_id, "school_id")
    if school.kind is not OrganisationKind.SCHOOL:
        raise InvalidInput(f"Organisation {school.id} is not a school", field="school_id")
    family = Family(**family_in.model_dump())
    session.add(family)
    flush_or_duplicate(
        session,
        f"The school already has a family with pupil reference {family_in.pupil_reference}",
        field="pupil_reference",
    )
    return family


def update_family(
    session: Session, *, caller: Caller, family_id: int, family_in: FamilyUpdate
) -> Family:
    family = get_family(session, caller=caller, family_id=family_id)
    require_writer(caller)
    for field, value in family_in.model_dump(exclude_unset=True).items():
        setattr(family, field, value)
    session.add(family)
    session.flush()
    return family


def set_preferred_language(session: Session, *, family: Family, language: str) -> str:
    """Records the language the family reads, as they told the desk (by naming it in a text,
    or an agent on their behalf): the desk, not the register's writers, hears it. Answers
    the language it replaces."""
    before = family.preferred_language
    family.preferred_language = language
    session.add(family)
    session.flush()
    return before
