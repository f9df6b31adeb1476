"""Import jobs: an uploaded manifest or usage file imported in the background, with progress."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow


class ImportKind(StrEnum):
    MANIFEST = "manifest"
    USAGE = "usage"


class ImportStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


class ImportJob(SQLModel, table=True):
    """One uploaded file. The uploader is kept (user or API key) so the worker imports with
    exactly their reach; the file's bytes are dropped once the job has finished."""

    __tablename__ = "import_job"
    __table_args__ = (Index("ix_import_job_organisation_created", "organisation_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(sa_column=fk("organisation.id", index=False))
    kind: ImportKind = Field(sa_type=string_enum(ImportKind))
    filename: str = Field(max_length=255)
    status: ImportStatus = Field(default=ImportStatus.QUEUED, sa_type=string_enum(ImportStatus))
    total_rows: int = 0
    processed_rows: int = 0
    problems: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    summary: dict[str, int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    content: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    created_by: str = Field(max_length=200)
    created_by_user_id: int | None = Field(
        default=None, sa_column=fk("staff_user.id", nullable=True, ondelete="SET NULL")
    )
    created_by_api_key_id: int | None = Field(
        default=None, sa_column=fk("api_key.id", nullable=True, ondelete="SET NULL")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
