"""Import jobs: an uploaded manifest or usage file imported in the background, with progress."""

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, Column, Index, LargeBinary
from sqlalchemy.orm import deferred
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class ImportKind(StrEnum):
    MANIFEST = "manifest"
    USAGE = "usage"
    GOOGLE_ADMIN = "google-admin"  # the Admin console's ChromeOS device list
    INTUNE = "intune"  # Intune's device export


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


# The uploaded file, loaded only when read (by the worker): listing jobs or polling one's
# progress never fetches its megabytes.
_CONTENT = personal(
    DataCategory.FREE_TEXT,
    retention="import-file",
    note="an uploaded file may hold anything its sender put in",
).on(Column("content", LargeBinary, nullable=True))


class ImportJob(SQLModel, table=True):
    """One uploaded file. The uploader is kept (user or API key) so the worker imports with
    exactly their reach; the file's bytes are dropped once the job has finished."""

    __tablename__ = "import_job"
    __mapper_args__: ClassVar[dict[str, Any]] = {"properties": {"content": deferred(_CONTENT)}}
    __table_args__ = (Index("ix_import_job_organisation_created", "organisation_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    organisation_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    kind: ImportKind = Field(sa_type=string_enum(ImportKind), **not_personal())
    filename: str = Field(max_length=255, **not_personal())
    status: ImportStatus = Field(
        default=ImportStatus.QUEUED, sa_type=string_enum(ImportStatus), **not_personal()
    )
    total_rows: int = Field(default=0, **not_personal())
    processed_rows: int = Field(default=0, **not_personal())
    problems: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=not_personal().on(Column(JSON, nullable=False))
    )
    problem_count: int = Field(
        default=0,
        description="every problem found; at most a setting's worth are kept",
        **not_personal(),
    )
    runs: int = Field(default=0, description="times a worker started it", **not_personal())
    heartbeat_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="last sign of life from its worker",
        **not_personal(),
    )
    summary: dict[str, int] | None = Field(
        default=None, sa_column=not_personal().on(Column(JSON, nullable=True))
    )
    content: bytes | None = Field(default=None, sa_column=_CONTENT)
    created_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    created_by_user_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.STAFF, retention="staff-action").on(
            fk("staff_user.id", nullable=True, ondelete="SET NULL")
        ),
    )
    created_by_api_key_id: int | None = Field(
        default=None,
        sa_column=not_personal().on(fk("api_key.id", nullable=True, ondelete="SET NULL")),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
