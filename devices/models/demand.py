"""Requests for more devices; unmet demand is what was asked for and not fulfilled."""

from datetime import date
from enum import StrEnum

from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from devices.models.devices import DeviceKind
from dfc.db_types import string_enum


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    FULFILLED = "fulfilled"
    DECLINED = "declined"


class DeviceRequest(SQLModel, table=True):
    __tablename__ = "device_request"

    id: int | None = Field(default=None, primary_key=True)
    school_id: int = Field(sa_column=fk("organisation.id"))
    kind: DeviceKind = Field(default=DeviceKind.LAPTOP, sa_type=string_enum(DeviceKind))
    quantity: int = Field(ge=1)
    quantity_fulfilled: int = Field(default=0, ge=0)
    reason: str = Field(max_length=1000)
    requested_on: date
    status: RequestStatus = Field(
        default=RequestStatus.REQUESTED, sa_type=string_enum(RequestStatus), index=True
    )
    decided_on: date | None = None
