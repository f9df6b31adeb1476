"""A family's answer to terms: a device handed over to them, or a loan's agreement.
Asked by a one-time link texted to the family's phone, or recorded in person by staff."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class AcceptancePurpose(StrEnum):
    HANDOVER = "handover"  # the device becomes the family's
    LOAN = "loan"  # the family agrees to the terms of a loan (devices.service.loan_agreements)


class AcceptanceMethod(StrEnum):
    LINK = "link"  # a one-time link texted to the family
    IN_PERSON = "in-person"  # signed at school, with the member of staff named


class AcceptanceAnswer(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


class FamilyAcceptance(SQLModel, table=True):
    __tablename__ = "family_acceptance"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    purpose: AcceptancePurpose = Field(sa_type=string_enum(AcceptancePurpose), **not_personal())
    device_id: int = Field(sa_column=not_personal().on(fk("device.id")))
    family_id: int = Field(
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(fk("family.id"))
    )
    organisation_id: int = Field(sa_column=not_personal().on(fk("organisation.id")))
    terms: str = Field(
        max_length=40, description="which terms, and their version", **not_personal()
    )
    language: str = Field(
        max_length=16, **personal(DataCategory.PREFERENCE, retention="family-contact")
    )
    method: AcceptanceMethod = Field(sa_type=string_enum(AcceptanceMethod), **not_personal())
    token_hash: str | None = Field(
        default=None,
        max_length=64,
        unique=True,
        **not_personal("a hash of the random token in the family's link"),
    )
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    asked_by: str = Field(max_length=200, **personal(DataCategory.STAFF, retention="staff-action"))
    asked_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    answer: AcceptanceAnswer | None = Field(
        default=None, sa_type=string_enum(AcceptanceAnswer), **not_personal()
    )
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    witnessed_by: str | None = Field(
        default=None,
        max_length=200,
        description="the member of staff who saw the family accept in person",
        **personal(DataCategory.STAFF, retention="staff-action"),
    )
