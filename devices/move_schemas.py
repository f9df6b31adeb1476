"""Request and response shapes for moves and school conversions."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from accounts.schemas import StrictModel
from accounts.school_links import LinkKind
from devices.models import ConversionStatus, MoveKind, MoveStatus


class MoveCreate(StrictModel):
    """Where the family goes: the new school's URN (any school in the scheme)."""

    to_school_urn: str = Field(min_length=6, max_length=7, pattern=r"^\s*\d{6,7}\s*$")
    new_pupil_reference: str | None = Field(
        default=None, min_length=1, max_length=50, description="the new school's reference"
    )
    moves_on: date | None = Field(default=None, description="today if not given")


class MoveDecision(StrictModel):
    reason: str | None = Field(default=None, max_length=500)


class MovePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    family_id: int | None = Field(description="null once the family is outside your reach")
    pupil_reference: str | None = None
    kind: MoveKind
    status: MoveStatus
    from_school_id: int
    from_school: str | None = None
    from_urn: str | None = None
    to_school_id: int
    to_school: str | None = None
    to_urn: str | None = None
    from_council_id: int
    to_council_id: int
    moves_on: date
    offered_at: datetime
    decided_at: datetime | None
    moved: dict[str, Any]


class LinkCreate(StrictModel):
    successor_urn: str = Field(min_length=6, max_length=7, pattern=r"^\s*\d{6,7}\s*$")
    kind: LinkKind = LinkKind.ACADEMY_CONVERSION
    linked_on: date


class LinkPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    predecessor_id: int
    successor_id: int
    kind: LinkKind
    linked_on: date
    predecessor_urn: str
    successor_urn: str
    recorded_at: datetime


class ConversionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    link_id: int
    predecessor_id: int
    successor_id: int
    status: ConversionStatus
    steps_done: int
    steps_total: int
    moved: dict[str, Any]
    error: str | None
    queued_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
