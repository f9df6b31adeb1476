"""The data protection API for council officers and scheme admins: the access audit (JSON or
CSV), subject access searches and exports, erasure on request and the record of erasures.
Every search, export and erasure is itself audited; reading the audit is not (it holds staff
actions, not family data)."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import select

from accounts.deps import SessionDep, StaffManager
from accounts.scoping import scoped
from dfc.audit.seen import Where
from dfc.errors import InvalidInput
from dfc.listing import Page
from dfc.paging import PagingDep, listing
from privacy import audit, erasure, family_search, subject_access
from privacy.models import (
    AuditAction,
    ErasureReason,
    ErasureRecord,
    SubjectType,
)

router = APIRouter(prefix="/api/privacy", tags=["data protection"])
ERASURE_SORTABLE = {"id": ErasureRecord.id, "erased_at": ErasureRecord.erased_at}
ERASURE_COLUMNS = (
    "id",
    "erased_at",
    "family_id",
    "school_id",
    "council_id",
    "erased_by_name",
    "reason",
    "case_reference",
)


class AuditPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor_user_id: int | None
    actor_api_key_id: int | None
    actor_organisation_id: int
    actor_name: str
    action: AuditAction
    subject_type: SubjectType
    subject_id: int | None
    family_id: int | None
    subject_organisation_id: int | None
    method: str
    route: str
    path: str


class FamilyFound(BaseModel):
    id: int
    pupil_reference: str
    school_id: int
    school: str


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: ErasureReason
    case_reference: str | None = Field(
        default=None, max_length=50, description="the council's own case number; never a name"
    )
    confirm: Literal[True] = Field(description="must be true: erasure cannot be undone")


class ErasurePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    erased_at: datetime
    family_id: int
    school_id: int
    council_id: int | None
    erased_by_user_id: int | None
    erased_by_api_key_id: int | None
    erased_by_name: str
    reason: ErasureReason
    case_reference: str | None
    counts: dict[str, Any]


@router.get("/audit", response_model=Page[AuditPublic])
def list_audit(
    session: SessionDep,
    caller: StaffManager,
    paging: PagingDep,
    actor: Annotated[str | None, Query(max_length=200, description="part of a name")] = None,
    user_id: int | None = None,
    family_id: int | None = None,
    action: AuditAction | None = None,
    since: Annotated[date | None, Query(description="from this day (Europe/London)")] = None,
    until: Annotated[date | None, Query(description="to this day, inclusive")] = None,
):
    """Who read or exported which family's data: rows about the caller's council's families
    or made by its staff; `format=csv` exports every matching row."""
    if since and until and since > until:
        raise InvalidInput("since must be on or before until", field="since")
    filters = audit.AuditFilters(
        actor=actor, user_id=user_id, family_id=family_id, action=action, since=since, until=until
    )
    return listing(
        session,
        audit.visible_audit(caller, filters),
        paging,
        sortable=audit.SORTABLE,
        default_sort="-occurred_at",
        columns=audit.CSV_COLUMNS,
        filename="access-audit.csv",
    )


@router.get("/subject-access")
def search(
    request: Request,
    session: SessionDep,
    caller: StaffManager,
    phone: Annotated[str | None, Query(max_length=40)] = None,
    pupil_reference: Annotated[str | None, Query(max_length=50)] = None,
    school_id: int | None = None,
) -> list[FamilyFound]:
    """Families with this phone number (any format) or pupil reference (at this school)."""
    results = family_search.search_families(
        session,
        caller=caller,
        search=family_search.Search(
            phone=phone, pupil_reference=pupil_reference, school_id=school_id
        ),
        seen=Where.of(request),
    )
    return [FamilyFound(**row) for row in results]


@router.get("/subject-access/family/{family_id}")
def export_family(
    request: Request, family_id: int, session: SessionDep, caller: StaffManager
) -> dict[str, Any]:
    """Everything held about the family, table by table; nothing of any other family."""
    _family, export = subject_access.export_family(
        session,
        caller=caller,
        family_id=family_id,
        seen=Where.of(request),
        action=AuditAction.EXPORT,
    )
    return export.as_json()


@router.post(
    "/subject-access/family/{family_id}/erase",
    status_code=status.HTTP_201_CREATED,
    responses={503: {"description": "The erasure could not finish; nothing was changed"}},
)
def erase(
    request: Request,
    family_id: int,
    body: ErasureRequest,
    session: SessionDep,
    caller: StaffManager,
) -> ErasurePublic:
    """Anonymises the family everywhere in one transaction and records it; 409 if done."""
    record = erasure.erase_family(
        session,
        caller=caller,
        family_id=family_id,
        reason=body.reason,
        case_reference=body.case_reference,
        where=Where.of(request),
    )
    session.commit()
    return ErasurePublic.model_validate(record)


@router.get("/erasures", response_model=Page[ErasurePublic])
def list_erasures(session: SessionDep, caller: StaffManager, paging: PagingDep):
    """The erasures of the caller's council's families (no personal data)."""
    statement = scoped(select(ErasureRecord), caller, ErasureRecord.school_id)
    return listing(
        session,
        statement,
        paging,
        sortable=ERASURE_SORTABLE,
        default_sort="-erased_at",
        columns=ERASURE_COLUMNS,
        filename="erasures.csv",
    )
