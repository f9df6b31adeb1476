"""Requests to a mobile network for more data on a family's own number (issue 19)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, text
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class UpliftStatus(StrEnum):
    NEW = "new"
    IN_PROGRESS = "in-progress"  # sent to the network in its export
    QUERIED = "queried"  # the network asked something back
    COMPLETE = "complete"  # data added: the family is told
    CANCELLED = "cancelled"
    UNAVAILABLE = "unavailable"  # the network cannot add data to this contract
    DUPLICATE = "duplicate"


OPEN_STATUSES = (UpliftStatus.NEW, UpliftStatus.IN_PROGRESS, UpliftStatus.QUERIED)


class ContractType(StrEnum):
    PAY_MONTHLY = "pay-monthly"
    PAY_AS_YOU_GO = "pay-as-you-go"


class UpliftSource(StrEnum):
    STAFF = "staff"  # a school or council asked
    FAMILY_TEXT = "family-text"  # the family texted, staff confirmed
    HELP_PAGES = "help-pages"  # the family asked on the help pages, staff confirmed


OPEN = text("status IN ('new', 'in-progress', 'queried')")


class UpliftRequest(SQLModel, table=True):
    """One request for more data. The database refuses a second open request for the same
    number on the same network, so two staff asking at once make one request."""

    __tablename__ = "uplift_request"
    __table_args__ = (
        Index(
            "uq_uplift_request_open_number",
            "phone_number",
            "network_id",
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        ),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    organisation_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    network_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    family_id: int = Field(
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(fk("family.id"))
    )
    account_holder_name: str = Field(
        max_length=200, **personal(DataCategory.CONTACT, retention="family-contact")
    )
    phone_number: str = Field(
        max_length=16,
        description="E.164",
        **personal(DataCategory.CONTACT, retention="family-contact"),
    )
    contract_type: ContractType = Field(sa_type=string_enum(ContractType), **not_personal())
    data_gb: int = Field(ge=1, le=200, **not_personal())
    months: int = Field(ge=1, le=24, **not_personal())
    source: UpliftSource = Field(
        default=UpliftSource.STAFF, sa_type=string_enum(UpliftSource), **not_personal()
    )
    status: UpliftStatus = Field(
        default=UpliftStatus.NEW, sa_type=string_enum(UpliftStatus), index=True, **not_personal()
    )
    network_note: str | None = Field(
        default=None,
        max_length=500,
        **personal(DataCategory.CONTACT, retention="family-contact"),
    )
    requested_by: str = Field(max_length=300, **not_personal())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    exported_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
