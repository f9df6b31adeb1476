"""Request and response shapes for what goes with a device: its licences, dongles and
routers, their SIMs, data allowances and usage readings."""

from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import Field, field_validator

from accounts.schemas import StrictModel
from devices.models import DongleStatus, LicenceProduct
from devices.models.connectivity import DongleKind
from devices.schemas import Iccid, Imei, PhoneNumber, Public


class LicenceCreate(StrictModel):
    organisation_id: int
    product: LicenceProduct
    name: str = Field(min_length=1, max_length=200)
    supplier: str = Field(min_length=1, max_length=200)
    seats: int = Field(ge=1, le=10_000_000)
    starts_on: date
    ends_on: date
    cost_per_seat_per_year: Decimal = Field(
        default=Decimal(0), ge=0, max_digits=10, decimal_places=2
    )

    @field_validator("ends_on")
    @classmethod
    def _after_start(cls, value: date, info: Any) -> date:
        starts = info.data.get("starts_on")
        if starts and value <= starts:
            raise ValueError("must be after starts_on")
        return value


class LicenceRenew(StrictModel):
    ends_on: date
    seats: int | None = Field(default=None, ge=1)
    cost_per_seat_per_year: Decimal | None = Field(
        default=None, ge=0, max_digits=10, decimal_places=2
    )


class LicencePublic(Public):
    id: int
    organisation_id: int
    product: LicenceProduct
    name: str
    supplier: str
    seats: int
    starts_on: date
    ends_on: date
    cost_per_seat_per_year: Decimal
    renewed_from_id: int | None
    seats_used: int = 0


class SeatAssign(StrictModel):
    device_id: int
    assigned_on: date


class DongleCreate(StrictModel):
    kind: DongleKind = DongleKind.DONGLE
    imei: Imei
    make_model: str | None = Field(default=None, max_length=200)
    holder_id: int
    batch_reference: str | None = Field(default=None, max_length=100)
    received_on: date
    paired_device_id: int | None = None


class DonglePublic(Public):
    id: int
    kind: DongleKind
    imei: str
    make_model: str | None
    status: DongleStatus
    holder_id: int
    paired_device_id: int | None
    batch_reference: str | None
    received_on: date


class SimCreate(StrictModel):
    iccid: Iccid
    phone_number: PhoneNumber | None = None
    network_operator: str = Field(min_length=1, max_length=100)
    dongle_id: int | None = None
    holder_id: int
    contract_starts_on: date
    contract_months: int = Field(default=6, ge=1, le=60)
    gb_per_month: Decimal = Field(default=Decimal(3), gt=0, max_digits=7, decimal_places=2)


class SimPublic(Public):
    id: int
    iccid: str
    phone_number: str | None
    network_operator: str
    dongle_id: int | None
    holder_id: int
    contract_starts_on: date
    contract_ends_on: date


class AllowanceUplift(StrictModel):
    gb_per_month: Decimal = Field(gt=0, max_digits=7, decimal_places=2)
    effective_from: date
    contract_ends_on: date | None = Field(default=None, description="extend the contract too")


class AllowancePublic(Public):
    id: int
    sim_id: int
    gb_per_month: Decimal
    effective_from: date


class UsageReadingCreate(StrictModel):
    read_on: date
    used_mb: int = Field(ge=0, description="data used so far this month, in MB")
