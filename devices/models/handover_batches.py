"""Many devices handed over at once (a school giving its whole stock to its families):
a batch run by the worker, each device through the same checklist as one handed over on
its own, with progress a person can watch and each device's outcome kept."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class BatchStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    FINISHED = "finished"


class BatchOutcome(StrEnum):
    WAITING = "waiting"
    HANDED_OVER = "handed-over"
    REFUSED = "refused"


class HandoverBatch(SQLModel, table=True):
    """Who asked, for which day, and how far the worker has got. The asker is kept (user or
    API key) so the worker hands over with exactly their reach."""

    __tablename__ = "handover_batch"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    organisation_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    handed_over_on: date = Field(**not_personal())
    status: BatchStatus = Field(
        default=BatchStatus.QUEUED, sa_type=string_enum(BatchStatus), **not_personal()
    )
    total: int = Field(default=0, **not_personal())
    handed_over: int = Field(default=0, **not_personal())
    refused: int = Field(default=0, **not_personal())
    runs: int = Field(default=0, **not_personal("times a worker has started it"))
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
    heartbeat_at: datetime | None = Field(
        default=None, sa_type=UTCDateTime, **not_personal("the worker's last sign of life")
    )
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())

    @property
    def done(self) -> int:
        return self.handed_over + self.refused


class HandoverBatchDevice(SQLModel, table=True):
    """One device of a batch and what became of it: handed over, or refused with the
    steps still missing."""

    __tablename__ = "handover_batch_device"

    batch_id: int = Field(
        sa_column=not_personal().on(
            Column(
                Integer,
                ForeignKey("handover_batch.id", ondelete="CASCADE"),
                primary_key=True,
            )
        )
    )
    device_id: int = Field(
        sa_column=not_personal().on(
            Column(Integer, ForeignKey("device.id", ondelete="CASCADE"), primary_key=True)
        )
    )
    position: int = Field(**not_personal("the order the devices were asked for"))
    outcome: BatchOutcome = Field(
        default=BatchOutcome.WAITING, sa_type=string_enum(BatchOutcome), **not_personal()
    )
    detail: str = Field(default="", max_length=500, **not_personal())
    missing: list[str] = Field(
        default_factory=list,
        sa_column=not_personal("the checklist steps still to do").on(Column(JSON, nullable=False)),
    )
