"""Cover periods: who manages and supports a device, from when until when."""

from datetime import date
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import string_enum
from dfc.personal_data.marks import not_personal


class CoverProvider(StrEnum):
    NATIONAL_SCHEME = "national-scheme"
    COUNCIL = "council"
    SCHOOL = "school"
    SUPPLIER = "supplier"
    NOBODY = "nobody"


class CoverPeriod(SQLModel, table=True):
    __tablename__ = "cover_period"
    __table_args__ = (Index("ix_cover_period_device_ends", "device_id", "ends_on"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    device_id: int = Field(sa_column=not_personal().on(fk("device.id", index=False)))
    provider: CoverProvider = Field(sa_type=string_enum(CoverProvider), **not_personal())
    provider_name: str | None = Field(default=None, max_length=200, **not_personal())
    starts_on: date = Field(**not_personal())
    ends_on: date | None = Field(
        default=None, index=True, description="empty: open-ended", **not_personal()
    )
