"""Who owns a device, and the dated history of every transfer."""

from datetime import date, datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow


class OwnerKind(StrEnum):
    SCHEME = "scheme"
    COUNCIL = "council"
    TRUST = "trust"
    SCHOOL = "school"
    FAMILY = "family"


class OwnershipTransfer(SQLModel, table=True):
    __tablename__ = "ownership_transfer"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(sa_column=fk("device.id"))
    from_kind: OwnerKind = Field(sa_type=string_enum(OwnerKind))
    to_kind: OwnerKind = Field(sa_type=string_enum(OwnerKind))
    to_organisation_id: int | None = Field(
        default=None, sa_column=fk("organisation.id", nullable=True, index=False)
    )
    to_family_id: int | None = Field(
        default=None, sa_column=fk("family.id", nullable=True, index=False)
    )
    transferred_on: date
    accepted_on: date | None = None
    acceptance: str | None = Field(
        default=None, max_length=200, description="how the family accepted, e.g. signed form"
    )
    recorded_by: str = Field(max_length=200)
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
