"""The checklist a device passes before it becomes a family's to keep: removed from its
management, wiped, its licence seats released, its filtering signed off by the council's
safeguarding lead and the family's acceptance (devices.models.acceptance). Each check
belongs to the allocation it was made for, so a device that comes back and goes to another
family starts again. Which steps a council requires is its HandoverPolicy."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class HandoverStep(StrEnum):
    MANAGEMENT_REMOVED = "management-removed"
    WIPED = "wiped"
    LICENCES_RELEASED = "licences-released"  # done by the service as the device changes hands
    FILTERING_SIGNED_OFF = "filtering-signed-off"
    FAMILY_ACCEPTED = "family-accepted"


ALL_STEPS = tuple(HandoverStep)


class HandoverCheck(SQLModel, table=True):
    """A step done by people (management removal confirmed, the wipe, the filtering
    decision) for one allocation of a device."""

    __tablename__ = "handover_check"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    device_id: int = Field(sa_column=not_personal().on(fk("device.id")))
    allocation_id: int = Field(sa_column=not_personal().on(fk("allocation.id")))
    step: HandoverStep = Field(sa_type=string_enum(HandoverStep), **not_personal())
    done_on: date = Field(**not_personal())
    method: str | None = Field(
        default=None,
        max_length=100,
        description="how: the wipe's method (e.g. Powerwash, Intune wipe), or how management "
        "was removed",
        **not_personal(),
    )
    reference: str | None = Field(
        default=None,
        max_length=500,
        description="the wipe certificate's reference, or the filtering decision",
        **personal(DataCategory.FREE_TEXT, retention="staff-action"),
    )
    confirmed_by: str = Field(
        max_length=200,
        description="the person who did or confirmed it (for filtering: the safeguarding lead)",
        **personal(DataCategory.STAFF, retention="staff-action"),
    )
    recorded_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class HandoverPolicy(SQLModel, table=True):
    """The steps a council requires before its devices become families' (all by default)."""

    __tablename__ = "handover_policy"

    council_id: int = Field(
        sa_column=not_personal().on(
            Column(
                Integer,
                ForeignKey("organisation.id", ondelete="RESTRICT"),
                primary_key=True,
                autoincrement=False,
            )
        )
    )
    required: str = Field(
        default=",".join(ALL_STEPS),
        max_length=300,
        description="the required steps, comma-separated",
        **not_personal(),
    )
    changed_by: str | None = Field(
        default=None, max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    changed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
