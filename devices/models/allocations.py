"""Children's families (only what the service needs) and allocations of devices to them."""

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.audit.models import SubjectType
from dfc.audit.writer import register_subject
from dfc.db_types import UTCDateTime, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal

OPEN = text("returned_on IS NULL")


class Family(SQLModel, table=True):
    """A pupil's family. No names: the school's own pupil reference links it to their records."""

    __tablename__ = "family"
    __table_args__ = (UniqueConstraint("school_id", "pupil_reference"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    school_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    pupil_reference: str = Field(
        max_length=50, **personal(DataCategory.PUPIL, retention="family-contact")
    )
    year_group: int | None = Field(
        default=None,
        ge=0,
        le=14,
        description="0 is Reception",
        **personal(DataCategory.PUPIL, retention="family-contact"),
    )
    phone_number: str | None = Field(
        default=None,
        max_length=16,
        description="E.164",
        **personal(DataCategory.CONTACT, retention="family-contact"),
    )
    email: str | None = Field(
        default=None, max_length=254, **personal(DataCategory.CONTACT, retention="family-contact")
    )
    preferred_language: str = Field(
        default="en", max_length=8, **personal(DataCategory.PREFERENCE, retention="family-profile")
    )
    sms_consent: bool = Field(
        default=False, **personal(DataCategory.PREFERENCE, retention="family-profile")
    )
    home_broadband: bool = Field(
        default=True, **personal(DataCategory.PREFERENCE, retention="family-profile")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class Allocation(SQLModel, table=True):
    """A device (and perhaps a dongle) with a family. The database refuses a second open
    allocation of the same device or dongle."""

    __tablename__ = "allocation"
    __table_args__ = (
        Index(
            "uq_allocation_open_device",
            "device_id",
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        ),
        Index(
            "uq_allocation_open_dongle",
            "dongle_id",
            unique=True,
            sqlite_where=text("returned_on IS NULL AND dongle_id IS NOT NULL"),
            postgresql_where=text("returned_on IS NULL AND dongle_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    device_id: int = Field(sa_column=not_personal().on(fk("device.id", index=False)))
    dongle_id: int | None = Field(
        default=None, sa_column=not_personal().on(fk("dongle.id", nullable=True, index=False))
    )
    family_id: int = Field(
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(fk("family.id"))
    )
    school_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    allocated_on: date = Field(**not_personal())
    collected_on: date | None = Field(default=None, **not_personal())
    returned_on: date | None = Field(default=None, **not_personal())
    return_reason: str | None = Field(
        default=None, max_length=50, **not_personal("returned, lost or stolen")
    )
    # The loan's dates (devices.service.loan_dates): the daily scan reminds the family and
    # the school before and when they pass.
    review_on: date | None = Field(default=None, index=True, **not_personal())
    return_by: date | None = Field(default=None, index=True, **not_personal())


register_subject(
    SubjectType.FAMILY,
    id_column=Family.id,
    family_column=Family.id,
    organisation_column=Family.school_id,
)
