"""Moves: a family (with what it was given) changing school or council, and a school's
whole register passing to its successor (academy conversion, closure, merger)."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

import accounts.school_links  # noqa: F401 (the school_link table a conversion names)
from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal

_STAFF = personal(DataCategory.STAFF, retention="staff-action")


class MoveKind(StrEnum):
    WITHIN_COUNCIL = "within-council"
    BETWEEN_COUNCILS = "between-councils"


class MoveStatus(StrEnum):
    OFFERED = "offered"  # waiting for the receiving council
    COMPLETED = "completed"
    DECLINED = "declined"
    CANCELLED = "cancelled"


class FamilyMove(SQLModel, table=True):
    """A family's move to another school: done at once within a council; between councils
    offered first, and done when the receiving council accepts. Never deleted: the audit
    of who moved whom, when."""

    __tablename__ = "family_move"
    __table_args__ = (
        Index(
            "uq_family_move_open_offer",
            "family_id",
            unique=True,
            sqlite_where=text("status = 'offered'"),
            postgresql_where=text("status = 'offered'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    family_id: int = Field(
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(fk("family.id"))
    )
    kind: MoveKind = Field(sa_type=string_enum(MoveKind), **not_personal())
    status: MoveStatus = Field(sa_type=string_enum(MoveStatus), index=True, **not_personal())
    from_school_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    to_school_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    from_council_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    to_council_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    new_pupil_reference: str | None = Field(
        default=None, max_length=50, **personal(DataCategory.PUPIL, retention="family-contact")
    )
    moves_on: date = Field(**not_personal())
    offered_by: str = Field(max_length=200, **_STAFF)
    offered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    decided_by: str | None = Field(default=None, max_length=200, **_STAFF)
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    reason: str | None = Field(
        default=None,
        max_length=500,
        **personal(DataCategory.FREE_TEXT, retention="family-contact", note="why declined"),
    )
    moved: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=not_personal("counts of what moved").on(Column(JSON, nullable=False)),
    )


class ConversionStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class SchoolConversion(SQLModel, table=True):
    """One job moving everything a school holds to its successor, in one transaction;
    its row is the audit (who asked, when, what moved) and the progress readers see."""

    __tablename__ = "school_conversion"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    link_id: int = Field(sa_column=not_personal().on(fk("school_link.id")))
    predecessor_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    successor_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    status: ConversionStatus = Field(
        default=ConversionStatus.QUEUED, sa_type=string_enum(ConversionStatus), **not_personal()
    )
    steps_done: int = Field(default=0, **not_personal())
    steps_total: int = Field(default=0, **not_personal())
    moved: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=not_personal("counts of what moved").on(Column(JSON, nullable=False)),
    )
    error: str | None = Field(default=None, max_length=1000, **not_personal())
    requested_by: str = Field(max_length=200, **_STAFF)
    requested_by_organisation_id: int = Field(**not_personal())
    queued_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())


# Other domains' rows that go where a family or a school goes (support's tickets): each
# registers its organisation column and family column beside its table, so the register
# moves them without importing the domains above it.
FOLLOWERS: list[tuple[str, Any, Any]] = []


def follows_family_and_school(name: str, *, organisation_column: Any, family_column: Any) -> None:
    """Says that rows of a table move with their family, and with their school."""
    FOLLOWERS.append((name, organisation_column, family_column))
