"""The record of each erasure (append-only, like the access audit it sits beside: triggers
made by migration 0007 refuse to change or delete a row). It has no foreign keys: the
family's school may be removed later, and the record must still say what was done."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from dfc.audit.models import AccessAudit, AuditAction, SubjectType
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal

__all__ = [
    "AUDIT_TABLES",
    "AccessAudit",
    "AuditAction",
    "ErasureReason",
    "ErasureRecord",
    "SubjectType",
]

AUDIT_TABLES = ("access_audit", "erasure_record")


class ErasureReason(StrEnum):
    """The grounds in UK GDPR Article 17(1) on which a family may ask to be erased."""

    NO_LONGER_NEEDED = "no-longer-needed"
    CONSENT_WITHDRAWN = "consent-withdrawn"
    OBJECTION = "objection"
    UNLAWFUL = "unlawfully-processed"
    LEGAL_OBLIGATION = "legal-obligation"


_STAFF = personal(DataCategory.STAFF, retention="staff-action")
_FAMILY_LINK = personal(DataCategory.PUPIL, retention="family-link")


_STAFF = personal(DataCategory.STAFF, retention="staff-action")
_FAMILY_LINK = personal(DataCategory.PUPIL, retention="family-link")


class ErasureRecord(SQLModel, table=True):
    """That a family was erased, by whom, on which ground and how many rows of each table
    changed. It holds no personal data of the family: only its (now anonymous) id."""

    __tablename__ = "erasure_record"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    erased_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    family_id: int = Field(index=True, **_FAMILY_LINK)
    school_id: int = Field(**not_personal())
    council_id: int | None = Field(default=None, index=True, **not_personal())
    erased_by_user_id: int | None = Field(default=None, **_STAFF)
    erased_by_api_key_id: int | None = Field(default=None, **not_personal("a machine key id"))
    erased_by_name: str = Field(max_length=200, **_STAFF)
    reason: ErasureReason = Field(sa_type=string_enum(ErasureReason), **not_personal())
    case_reference: str | None = Field(
        default=None,
        max_length=50,
        **not_personal("the council's own case number for the request; never a name"),
    )
    counts: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=not_personal("rows changed per table").on(Column(JSON, nullable=False)),
    )
