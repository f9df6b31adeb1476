"""Incidents: a device damaged, lost or stolen, as a record of its own with what happened,
its evidence files, references, warranty claim, loaner, disabling in its manager, and a
council's charge and its waiver (no charge to families by default)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import define_rule, not_personal, personal

define_rule(
    "incident-file",
    "A photo or file of an incident is kept with the incident, for the insurer, the supplier "
    "and the council's audit; it is deleted from storage when the family's details are erased "
    "(under family-contact, or on request), and its type, size and time stay.",
)


class IncidentKind(StrEnum):
    DAMAGE = "damage"
    LOSS = "loss"
    THEFT = "theft"


class IncidentStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class ResponsibleParty(StrEnum):
    UNKNOWN = "unknown"
    NOBODY = "nobody"  # an accident, wear and tear
    FAMILY = "family"
    SCHOOL = "school"
    SUPPLIER = "supplier"  # a fault: the warranty's business
    THIRD_PARTY = "third-party"  # a thief, a courier


class WarrantyStatus(StrEnum):
    NONE = "none"
    CLAIMED = "claimed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    SETTLED = "settled"  # repaired or replaced by the supplier


def _staff() -> dict:
    return personal(DataCategory.STAFF, retention="staff-action")


class Incident(SQLModel, table=True):
    """One incident of one device. `holder_id` is who held the device when it was recorded
    (the scope of every read); `family_id` the family that had it then, if any."""

    __tablename__ = "device_incident"
    __table_args__ = (
        Index("ix_device_incident_holder_happened", "holder_id", "happened_on"),
        Index("ix_device_incident_loaner", "loaner_device_id"),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    device_id: int = Field(sa_column=not_personal().on(fk("device.id")))
    holder_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    family_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(
            fk("family.id", nullable=True)
        ),
    )
    kind: IncidentKind = Field(sa_type=string_enum(IncidentKind), **not_personal())
    status: IncidentStatus = Field(
        default=IncidentStatus.OPEN, sa_type=string_enum(IncidentStatus), **not_personal()
    )
    happened_on: date = Field(**not_personal())
    description: str = Field(
        max_length=2000,
        description="what happened, as staff wrote it",
        **personal(DataCategory.FREE_TEXT, retention="family-contact"),
    )
    crime_reference: str | None = Field(
        default=None,
        max_length=50,
        description="the police's crime reference number",
        **personal(DataCategory.FREE_TEXT, retention="family-contact"),
    )
    insurance_reference: str | None = Field(
        default=None,
        max_length=50,
        **personal(DataCategory.FREE_TEXT, retention="family-contact"),
    )
    responsible_party: ResponsibleParty = Field(
        default=ResponsibleParty.UNKNOWN, sa_type=string_enum(ResponsibleParty), **not_personal()
    )
    warranty_status: WarrantyStatus = Field(
        default=WarrantyStatus.NONE, sa_type=string_enum(WarrantyStatus), **not_personal()
    )
    warranty_supplier: str | None = Field(default=None, max_length=100, **not_personal())
    warranty_reference: str | None = Field(default=None, max_length=100, **not_personal())
    warranty_claimed_on: date | None = Field(default=None, **not_personal())
    warranty_updated_on: date | None = Field(default=None, **not_personal())
    loaner_device_id: int | None = Field(
        default=None,
        sa_column=not_personal().on(fk("device.id", nullable=True, index=False)),
    )
    loaner_issued_on: date | None = Field(default=None, **not_personal())
    loaner_returned_on: date | None = Field(
        default=None,
        description="the day the family's own device was swapped back",
        **not_personal(),
    )
    disabled_in_manager_on: date | None = Field(
        default=None,
        description="the day staff disabled (locked) the device in Intune or Google Admin",
        **not_personal(),
    )
    disabled_by: str | None = Field(default=None, max_length=200, **_staff())
    charge_pence: int | None = Field(
        default=None,
        description="what the council charges the family, in pence; none by default",
        **personal(DataCategory.PUPIL, retention="family-link"),
    )
    charge_reason: str | None = Field(
        default=None,
        max_length=500,
        **personal(DataCategory.FREE_TEXT, retention="family-contact"),
    )
    charged_on: date | None = Field(default=None, **not_personal())
    charged_by: str | None = Field(default=None, max_length=200, **_staff())
    waived_on: date | None = Field(default=None, **not_personal())
    waived_by: str | None = Field(default=None, max_length=200, **_staff())
    waiver_reason: str | None = Field(
        default=None,
        max_length=500,
        **personal(DataCategory.FREE_TEXT, retention="family-contact"),
    )
    recorded_by: str = Field(max_length=200, **_staff())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    closed_on: date | None = Field(default=None, **not_personal())


class IncidentFile(SQLModel, table=True):
    """A photo or PDF of an incident, stored like a ticket's media (dfc.file_store) and
    served only to staff who reach the incident."""

    __tablename__ = "device_incident_file"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    incident_id: int = Field(sa_column=not_personal().on(fk("device_incident.id")))
    content_type: str = Field(max_length=100, **not_personal("the type the file's bytes show"))
    size: int = Field(**not_personal())
    storage_key: str | None = Field(
        default=None,
        max_length=100,
        unique=True,
        **personal(
            DataCategory.FREE_TEXT,
            retention="incident-file",
            note="the stored file (and its thumbnail): a photo or document of the incident",
        ),
    )
    thumbnail: bool = Field(default=False, **not_personal())
    uploaded_by: str = Field(max_length=200, **_staff())
    uploaded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
