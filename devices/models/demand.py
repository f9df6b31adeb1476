"""Requests for more devices; unmet demand is what was asked for and not fulfilled."""

from datetime import date
from enum import StrEnum

from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from devices.models.devices import DeviceKind
from dfc.db_types import string_enum
from dfc.personal_data.marks import not_personal


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    FULFILLED = "fulfilled"
    DECLINED = "declined"


class DeviceRequest(SQLModel, table=True):
    __tablename__ = "device_request"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    school_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    kind: DeviceKind = Field(
        default=DeviceKind.LAPTOP, sa_type=string_enum(DeviceKind), **not_personal()
    )
    quantity: int = Field(ge=1, **not_personal())
    quantity_fulfilled: int = Field(default=0, ge=0, **not_personal())
    reason: str = Field(
        max_length=1000,
        **not_personal("why a school needs more devices; the form asks for no pupil details"),
    )
    requested_on: date = Field(**not_personal())
    status: RequestStatus = Field(
        default=RequestStatus.REQUESTED,
        sa_type=string_enum(RequestStatus),
        index=True,
        **not_personal(),
    )
    decided_on: date | None = Field(default=None, **not_personal())
