"""Software licences, one row per term (a renewal is a new term), and the seats devices hold."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import string_enum


class LicenceProduct(StrEnum):
    DEVICE_MANAGEMENT = "device-management"
    OPERATING_SYSTEM = "operating-system"
    OFFICE_SUITE = "office-suite"
    WEB_FILTER = "web-filter"
    ANTIVIRUS = "antivirus"
    OTHER = "other"


class Licence(SQLModel, table=True):
    __tablename__ = "licence"

    id: int | None = Field(default=None, primary_key=True)
    organisation_id: int = Field(sa_column=fk("organisation.id"))
    product: LicenceProduct = Field(sa_type=string_enum(LicenceProduct))
    name: str = Field(max_length=200)
    supplier: str = Field(max_length=200)
    seats: int = Field(ge=1)
    starts_on: date
    ends_on: date = Field(index=True)
    cost_per_seat_per_year: Decimal = Field(
        default=Decimal(0), sa_column=Column(Numeric(10, 2), nullable=False)
    )
    renewed_from_id: int | None = Field(
        default=None, sa_column=fk("licence.id", nullable=True, index=False)
    )


class LicenceSeat(SQLModel, table=True):
    __tablename__ = "licence_seat"
    __table_args__ = (UniqueConstraint("licence_id", "device_id"),)

    id: int | None = Field(default=None, primary_key=True)
    licence_id: int = Field(sa_column=fk("licence.id", index=False))
    device_id: int = Field(sa_column=fk("device.id"))
    assigned_on: date
