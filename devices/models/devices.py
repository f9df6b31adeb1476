"""Devices (laptops, tablets, Chromebooks) and their append-only history."""

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from devices.models.ownership import OwnerKind
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


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
    # The lists filter by holder (the caller's organisations) and sort by serial number;
    # the look-up finds one device by serial number (unique) or asset tag.
    __table_args__ = (
        Index("ix_device_holder_status", "holder_id", "status"),
        Index("ix_device_holder_serial", "holder_id", "serial_number"),
        Index("ix_device_asset_tag", "asset_tag"),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    kind: DeviceKind = Field(sa_type=string_enum(DeviceKind), **not_personal())
    make: str = Field(max_length=100, **not_personal())
    model: str = Field(max_length=100, **not_personal())
    serial_number: str = Field(max_length=100, unique=True, **not_personal())
    asset_tag: str | None = Field(default=None, max_length=100, **not_personal())
    operating_system: str | None = Field(default=None, max_length=100, **not_personal())
    status: DeviceStatus = Field(
        default=DeviceStatus.IN_STOCK,
        sa_type=string_enum(DeviceStatus),
        index=True,
        **not_personal(),
    )
    holder_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    owner_kind: OwnerKind = Field(
        default=OwnerKind.SCHEME, sa_type=string_enum(OwnerKind), index=True, **not_personal()
    )
    owner_organisation_id: int | None = Field(
        default=None, sa_column=not_personal().on(fk("organisation.id", nullable=True))
    )
    owner_family_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(
            fk("family.id", nullable=True)
        ),
    )
    received_on: date = Field(**not_personal())
    warranty_ends_on: date | None = Field(default=None, **not_personal())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class DeviceEvent(SQLModel, table=True):
    """Who did what to a device, when, with the state before and after. Never updated."""

    __tablename__ = "device_event"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    device_id: int = Field(sa_column=not_personal().on(fk("device.id")))
    occurred_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    actor: str = Field(max_length=200, **personal(DataCategory.STAFF, retention="staff-action"))
    action: str = Field(max_length=50, **not_personal())
    before: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=personal(
            DataCategory.PUPIL, retention="family-link", note="the device's owner family id"
        ).on(Column(JSON, nullable=False)),
    )
    after: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=personal(
            DataCategory.FREE_TEXT,
            retention="family-contact",
            note="the owner family id, and how a family accepted a device (erased with them)",
        ).on(Column(JSON, nullable=False)),
    )
