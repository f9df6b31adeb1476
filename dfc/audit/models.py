"""The access audit: who read or exported a family's personal data, when, and through which
route. Every domain writes it (dfc.audit.writer), so it lives in the kernel; privacy reads it
back for councils. It is append-only: the database itself refuses to change or delete a row
(triggers made by migration 0007), so nobody can tidy away a look. It has no foreign keys: a
staff user or a school may be removed later, and the audit must still say who it was."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import define_rule, not_personal, personal

define_rule(
    "access-audit",
    "Kept: the database refuses to change or delete an audit row or an erasure record, so "
    "they can be shown to the data protection officer as they were written. A council "
    "archives them under its own records schedule.",
)


class AuditAction(StrEnum):
    READ = "read"
    EXPORT = "export"
    SEARCH = "search"
    SUBJECT_ACCESS = "subject-access"
    ERASURE = "erasure"


class SubjectType(StrEnum):
    FAMILY = "family"
    TICKET = "ticket"
    OUTBOX_MESSAGE = "outbox-message"  # a text or email to a family: number and words
    SIM_LOAN = "sim-loan"  # a SIM lent to a family: its PIN and PUK shown


_STAFF = personal(DataCategory.STAFF, retention="staff-action")
_FAMILY_LINK = personal(DataCategory.PUPIL, retention="family-link")


class AccessAudit(SQLModel, table=True):
    """One row per family record shown or exported to one caller by one request."""

    __tablename__ = "access_audit"
    __table_args__ = (
        Index("ix_access_audit_subject_organisation", "subject_organisation_id", "occurred_at"),
        Index("ix_access_audit_actor_organisation", "actor_organisation_id", "occurred_at"),
        Index("ix_access_audit_family", "family_id"),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    actor_user_id: int | None = Field(default=None, **_STAFF)
    actor_api_key_id: int | None = Field(
        default=None, **not_personal("a machine integration's key id, not a person")
    )
    actor_organisation_id: int = Field(**not_personal())
    actor_name: str = Field(max_length=200, **_STAFF)
    action: AuditAction = Field(sa_type=string_enum(AuditAction), **not_personal())
    subject_type: SubjectType = Field(sa_type=string_enum(SubjectType), **not_personal())
    subject_id: int | None = Field(
        default=None, **not_personal("the id of the family or ticket; a search that found none")
    )
    family_id: int | None = Field(default=None, **_FAMILY_LINK)
    subject_organisation_id: int | None = Field(
        default=None, **not_personal("the school (or council) that holds the record")
    )
    method: str = Field(max_length=8, **not_personal())
    route: str = Field(max_length=200, **not_personal("the route's template, e.g. /families/{id}"))
    path: str = Field(
        max_length=500, **not_personal("the address read, ids only; never its query string")
    )
