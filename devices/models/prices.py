"""What a council pays for licences and data once central support ends: the prices its
officers set, which the cost forecast uses."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal

PLANNED_GB_PER_MONTH = Decimal(3)


class CouncilPrices(SQLModel, table=True):
    """One row per council. An empty licence price means "what the council's licences cost
    today"; the forecast works that out from their cost per seat."""

    __tablename__ = "council_prices"
    __table_args__ = (UniqueConstraint("council_id"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    council_id: int = Field(
        sa_column=not_personal().on(fk("organisation.id", ondelete="CASCADE", index=False))
    )
    licence_per_device_per_year: Decimal | None = Field(
        default=None, sa_column=not_personal().on(Column(Numeric(10, 2), nullable=True))
    )
    data_per_sim_per_month: Decimal = Field(
        default=Decimal(0), sa_column=not_personal().on(Column(Numeric(10, 2), nullable=False))
    )
    data_per_gb: Decimal = Field(
        default=Decimal(0), sa_column=not_personal().on(Column(Numeric(10, 2), nullable=False))
    )
    gb_per_month: Decimal = Field(
        default=PLANNED_GB_PER_MONTH,
        sa_column=not_personal().on(Column(Numeric(7, 2), nullable=False)),
    )
    # What replacing one device of each kind costs, once its security updates end; empty
    # until the council sets it (the forecast then counts the devices without a cost).
    replacement_laptop: Decimal | None = Field(
        default=None, sa_column=not_personal().on(Column(Numeric(10, 2), nullable=True))
    )
    replacement_chromebook: Decimal | None = Field(
        default=None, sa_column=not_personal().on(Column(Numeric(10, 2), nullable=True))
    )
    replacement_tablet: Decimal | None = Field(
        default=None, sa_column=not_personal().on(Column(Numeric(10, 2), nullable=True))
    )
    updated_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
