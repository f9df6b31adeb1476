"""Who owns a device, and the dated history of every transfer."""

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class OwnerKind(StrEnum):
    SCHEME = "scheme"
    COUNCIL = "council"
    TRUST = "trust"
    SCHOOL = "school"
    FAMILY = "family"


class OwnershipTransfer(SQLModel, table=True):
    __tablename__ = "ownership_transfer"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    device_id: int = Field(sa_column=not_personal().on(fk("device.id")))
    from_kind: OwnerKind = Field(sa_type=string_enum(OwnerKind), **not_personal())
    to_kind: OwnerKind = Field(sa_type=string_enum(OwnerKind), **not_personal())
    to_organisation_id: int | None = Field(
        default=None, sa_column=not_personal().on(fk("organisation.id", nullable=True, index=False))
    )
    to_family_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(
            fk("family.id", nullable=True, index=False)
        ),
    )
    transferred_on: date = Field(**not_personal())
    accepted_on: date | None = Field(default=None, **not_personal())
    acceptance: str | None = Field(
        default=None,
        max_length=200,
        description="how the family accepted, e.g. signed form",
        **personal(DataCategory.FREE_TEXT, retention="family-contact"),
    )
    recorded_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
