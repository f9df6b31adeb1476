"""4G dongles and routers, their SIMs, data allowances (an uplift is a new row) and usage."""

from datetime import date
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import Column, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import string_enum
from dfc.personal_data.marks import not_personal

DEFAULT_ALLOWANCE_GB = Decimal(3)
DEFAULT_CONTRACT_MONTHS = 6


class DongleKind(StrEnum):
    DONGLE = "dongle"
    ROUTER = "router"


class DongleStatus(StrEnum):
    IN_STOCK = "in-stock"
    ALLOCATED = "allocated"
    WITH_FAMILY = "with-family"
    FAULTY = "faulty"
    LOST = "lost"
    RETURNED = "returned"
    RETIRED = "retired"


class Dongle(SQLModel, table=True):
    __tablename__ = "dongle"
    __table_args__ = (Index("ix_dongle_holder_status", "holder_id", "status"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    kind: DongleKind = Field(
        default=DongleKind.DONGLE, sa_type=string_enum(DongleKind), **not_personal()
    )
    imei: str = Field(max_length=15, unique=True, **not_personal())
    make_model: str | None = Field(default=None, max_length=200, **not_personal())
    status: DongleStatus = Field(
        default=DongleStatus.IN_STOCK, sa_type=string_enum(DongleStatus), **not_personal()
    )
    holder_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    paired_device_id: int | None = Field(
        default=None,
        sa_column=not_personal().on(fk("device.id", nullable=True, ondelete="SET NULL")),
    )
    batch_reference: str | None = Field(default=None, max_length=100, **not_personal())
    received_on: date = Field(**not_personal())


class Sim(SQLModel, table=True):
    __tablename__ = "sim"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    iccid: str = Field(max_length=22, unique=True, **not_personal())
    phone_number: str | None = Field(
        default=None,
        max_length=16,
        description="E.164",
        **not_personal("the SIM's own number, held by the scheme"),
    )
    network_operator: str = Field(max_length=100, **not_personal())
    dongle_id: int | None = Field(
        default=None, sa_column=not_personal().on(fk("dongle.id", nullable=True))
    )
    holder_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    contract_starts_on: date = Field(**not_personal())
    contract_ends_on: date = Field(index=True, **not_personal())


class DataAllowance(SQLModel, table=True):
    """GB a month from a date; the latest row on or before a day is the allowance that day."""

    __tablename__ = "data_allowance"
    __table_args__ = (UniqueConstraint("sim_id", "effective_from"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    sim_id: int = Field(sa_column=not_personal().on(fk("sim.id", index=False)))
    gb_per_month: Decimal = Field(
        sa_column=not_personal().on(Column(Numeric(7, 2), nullable=False))
    )
    effective_from: date = Field(**not_personal())


class DataUsage(SQLModel, table=True):
    """A reading: data used so far in the reading's month, in MB."""

    __tablename__ = "data_usage"
    __table_args__ = (
        UniqueConstraint("sim_id", "read_on"),
        Index("ix_data_usage_read_on", "read_on"),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    sim_id: int = Field(sa_column=not_personal().on(fk("sim.id", index=False)))
    read_on: date = Field(**not_personal())
    used_mb: int = Field(ge=0, **not_personal())
