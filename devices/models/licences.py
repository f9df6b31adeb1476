"""Software licences, one row per term (a renewal is a new term), and the seats devices hold."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import string_enum
from dfc.personal_data.marks import not_personal


class LicenceProduct(StrEnum):
    DEVICE_MANAGEMENT = "device-management"
    OPERATING_SYSTEM = "operating-system"
    OFFICE_SUITE = "office-suite"
    WEB_FILTER = "web-filter"
    ANTIVIRUS = "antivirus"
    OTHER = "other"


class Licence(SQLModel, table=True):
    __tablename__ = "licence"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    organisation_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    product: LicenceProduct = Field(sa_type=string_enum(LicenceProduct), **not_personal())
    name: str = Field(max_length=200, **not_personal())
    supplier: str = Field(max_length=200, **not_personal())
    seats: int = Field(ge=1, **not_personal())
    starts_on: date = Field(**not_personal())
    ends_on: date = Field(index=True, **not_personal())
    cost_per_seat_per_year: Decimal = Field(
        default=Decimal(0), sa_column=not_personal().on(Column(Numeric(10, 2), nullable=False))
    )
    renewed_from_id: int | None = Field(
        default=None, sa_column=not_personal().on(fk("licence.id", nullable=True, index=False))
    )


class LicenceSeat(SQLModel, table=True):
    __tablename__ = "licence_seat"
    __table_args__ = (UniqueConstraint("licence_id", "device_id"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    licence_id: int = Field(sa_column=not_personal().on(fk("licence.id", index=False)))
    device_id: int = Field(sa_column=not_personal().on(fk("device.id")))
    assigned_on: date = Field(**not_personal())
