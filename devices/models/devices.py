"""Devices (laptops, tablets, Chromebooks) and their append-only history."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from devices.models.ownership import OwnerKind
from dfc.db_types import UTCDateTime, string_enum, utcnow


class DeviceKind(StrEnum):
    LAPTOP = "laptop"
    TABLET = "tablet"
    CHROMEBOOK = "chromebook"


class DeviceStatus(StrEnum):
    IN_STOCK = "in-stock"
    ALLOCATED = "allocated"
    WITH_FAMILY = "with-family"
    IN_REPAIR = "in-repair"
    LOST = "lost"
    STOLEN = "stolen"
    RETURNED = "returned"
    RETIRED = "retired"


class Device(SQLModel, table=True):
    __tablename__ = "device"
    __table_args__ = (Index("ix_device_holder_status", "holder_id", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: DeviceKind = Field(sa_type=string_enum(DeviceKind))
    make: str = Field(max_length=100)
    model: str = Field(max_length=100)
    serial_number: str = Field(max_length=100, unique=True)
    asset_tag: str | None = Field(default=None, max_length=100)
    operating_system: str | None = Field(default=None, max_length=100)
    status: DeviceStatus = Field(
        default=DeviceStatus.IN_STOCK, sa_type=string_enum(DeviceStatus), index=True
    )
    holder_id: int = Field(sa_column=fk("organisation.id", index=False))
    owner_kind: OwnerKind = Field(
        default=OwnerKind.SCHEME, sa_type=string_enum(OwnerKind), index=True
    )
    owner_organisation_id: int | None = Field(
        default=None, sa_column=fk("organisation.id", nullable=True)
    )
    owner_family_id: int | None = Field(default=None, sa_column=fk("family.id", nullable=True))
    received_on: date
    warranty_ends_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DeviceEvent(SQLModel, table=True):
    """Who did what to a device, when, with the state before and after. Never updated."""

    __tablename__ = "device_event"

    id: int | None = Field(default=None, primary_key=True)
    device_id: int = Field(sa_column=fk("device.id"))
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor: str = Field(max_length=200)
    action: str = Field(max_length=50)
    before: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    after: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
