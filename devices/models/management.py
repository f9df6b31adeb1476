"""Who manages each device (Intune, Google Admin, another MDM or nobody), as the managers'
own exports say; the devices an export lists that the register does not hold; and the day
each model or operating system stops getting security updates."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class Manager(StrEnum):
    INTUNE = "intune"
    GOOGLE_ADMIN = "google-admin"
    OTHER_MDM = "other-mdm"
    NONE = "none"


class EnrolmentState(StrEnum):
    ENROLLED = "enrolled"
    RETIRE_REQUESTED = "retire-requested"  # a retire or wipe asked for, not yet done
    DEPROVISIONED = "deprovisioned"  # removed from the manager (Google deprovisioned, retired)
    NOT_MANAGED = "not-managed"


class DeviceManagement(SQLModel, table=True):
    """A device's management as its manager last reported it: one row per device, replaced
    by each reconciliation; every change of manager or state is also a device event."""

    __tablename__ = "device_management"
    __table_args__ = (
        UniqueConstraint("device_id"),
        Index("ix_device_management_state_check_in", "state", "last_check_in_at"),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    device_id: int = Field(sa_column=not_personal().on(fk("device.id", index=False)))
    manager: Manager = Field(sa_type=string_enum(Manager), **not_personal())
    state: EnrolmentState = Field(sa_type=string_enum(EnrolmentState), **not_personal())
    manager_status: str | None = Field(
        default=None,
        max_length=50,
        description="the status as the export wrote it, e.g. ACTIVE or Retire pending",
        **not_personal(),
    )
    last_check_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    enrolled_on: date | None = Field(default=None, **not_personal())
    primary_user: str | None = Field(
        default=None,
        max_length=254,
        description="the manager's user of the device (Annotated User, Primary user UPN)",
        **personal(
            DataCategory.PUPIL,
            retention="family-contact",
            note="an account name that may name the pupil; erased with the family's details",
        ),
    )
    reported_model: str | None = Field(default=None, max_length=100, **not_personal())
    os_version: str | None = Field(default=None, max_length=100, **not_personal())
    org_unit: str | None = Field(default=None, max_length=200, **not_personal())
    asset_id: str | None = Field(default=None, max_length=100, **not_personal())
    ownership: str | None = Field(
        default=None, max_length=50, description="Intune's Corporate or Personal", **not_personal()
    )
    compliance: str | None = Field(default=None, max_length=50, **not_personal())
    auto_update_expires_on: date | None = Field(
        default=None,
        description="the device's own end of updates, from Google's Auto Update Expiration",
        **not_personal(),
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class UnmatchedManagedDevice(SQLModel, table=True):
    """A device an organisation's manager export lists that none of its register's devices
    matches by serial number. Each import of that manager's export replaces the list."""

    __tablename__ = "unmatched_managed_device"
    __table_args__ = (UniqueConstraint("organisation_id", "manager", "serial_number"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    organisation_id: int = Field(
        sa_column=not_personal().on(fk("organisation.id", ondelete="CASCADE", index=False))
    )
    manager: Manager = Field(sa_type=string_enum(Manager), **not_personal())
    serial_number: str = Field(max_length=100, **not_personal())
    row: int = Field(description="the row of the export that listed it", **not_personal())
    state: EnrolmentState = Field(sa_type=string_enum(EnrolmentState), **not_personal())
    manager_status: str | None = Field(default=None, max_length=50, **not_personal())
    reported_model: str | None = Field(default=None, max_length=100, **not_personal())
    last_check_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class UpdatesKind(StrEnum):
    MODEL = "model"  # a device model, matched with the register's model name
    OPERATING_SYSTEM = "operating-system"  # matched with the register's operating system


class UpdatesSource(StrEnum):
    REFERENCE = "reference"  # a published end of support, shipped with the service
    GOOGLE_EXPORT = "google-export"  # Auto Update Expiration in a Google Admin export
    ADMIN = "admin"  # set by a scheme admin; an import never overwrites it


class EndOfUpdates(SQLModel, table=True):
    """The last day a model or an operating system gets security updates. `name_key` is the
    name without case or surrounding spaces, as devices are matched with it."""

    __tablename__ = "end_of_updates"
    __table_args__ = (UniqueConstraint("kind", "name_key"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    kind: UpdatesKind = Field(sa_type=string_enum(UpdatesKind), **not_personal())
    name: str = Field(max_length=100, **not_personal())
    name_key: str = Field(max_length=100, **not_personal())
    ends_on: date = Field(**not_personal())
    source: UpdatesSource = Field(sa_type=string_enum(UpdatesSource), **not_personal())
    updated_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
