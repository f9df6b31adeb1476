"""Request and response shapes for the register's API."""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, field_validator

from accounts.schemas import StrictModel
from devices.models import (
    CoverProvider,
    DeviceKind,
    DeviceStatus,
    OwnerKind,
    RequestStatus,
)
from devices.phone import to_e164
from dfc.i18n import BY_CODE
from dfc.patch import Clearable, PatchModel


def _language_served(code: str) -> str:
    if code not in BY_CODE:
        raise ValueError(f"use one of: {', '.join(BY_CODE)}")
    return code


def _serial(text: str) -> str:
    """Serial numbers compare without case or spaces, so a re-typed one is still found."""
    cleaned = "".join(text.split()).upper()
    if not cleaned:
        raise ValueError("is empty")
    return cleaned


PhoneNumber = Annotated[str, AfterValidator(to_e164)]
LanguageCode = Annotated[str, AfterValidator(_language_served)]
SerialNumber = Annotated[str, Field(max_length=100), AfterValidator(_serial)]
Imei = Annotated[str, Field(pattern=r"^\d{15}$")]
Iccid = Annotated[str, Field(pattern=r"^\d{18,22}$")]


class Public(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class DeviceCreate(StrictModel):
    kind: DeviceKind
    make: str = Field(min_length=1, max_length=100)
    model: str = Field(min_length=1, max_length=100)
    serial_number: SerialNumber
    asset_tag: str | None = Field(default=None, max_length=100)
    operating_system: str | None = Field(default=None, max_length=100)
    holder_id: int = Field(description="the council or school holding it")
    received_on: date
    warranty_ends_on: date | None = None
    central_cover_months: int = Field(
        default=6, ge=0, le=60, description="months of national-scheme support from receipt"
    )


class DeviceUpdate(PatchModel):
    asset_tag: Clearable[str] = Field(default=None, max_length=100)
    operating_system: Clearable[str] = Field(default=None, max_length=100)
    warranty_ends_on: Clearable[date] = None


class DevicePublic(Public):
    id: int
    kind: DeviceKind
    make: str
    model: str
    serial_number: str
    asset_tag: str | None
    operating_system: str | None
    status: DeviceStatus
    holder_id: int
    owner_kind: OwnerKind
    owner_organisation_id: int | None
    owner_family_id: int | None
    received_on: date
    warranty_ends_on: date | None


class DeviceEventPublic(Public):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    before: dict[str, Any]
    after: dict[str, Any]


class FamilyCreate(StrictModel):
    school_id: int
    pupil_reference: str = Field(
        min_length=1, max_length=50, description="the school's own reference; no names"
    )
    year_group: int | None = Field(default=None, ge=0, le=14, description="0 is Reception")
    phone_number: PhoneNumber | None = None
    email: EmailStr | None = None
    preferred_language: LanguageCode = "en"
    sms_consent: bool = False
    home_broadband: bool = True


class FamilyUpdate(PatchModel):
    year_group: Clearable[int] = Field(default=None, ge=0, le=14)
    phone_number: Clearable[PhoneNumber] = None
    email: Clearable[EmailStr] = None
    preferred_language: LanguageCode | None = None
    sms_consent: bool | None = None
    home_broadband: bool | None = None


class FamilyPublic(Public):
    id: int
    school_id: int
    pupil_reference: str
    year_group: int | None
    phone_number: str | None
    email: str | None
    preferred_language: str
    sms_consent: bool
    home_broadband: bool


class AllocationCreate(StrictModel):
    device_id: int
    family_id: int
    dongle_id: int | None = None
    allocated_on: date
    collected: bool = Field(default=True, description="the family has the device now")
    end_of_updates_override: str | None = Field(
        default=None,
        max_length=500,
        description="why a device past its end of updates is given out all the same",
    )
    review_on: date | None = Field(default=None, description="the loan's review date")
    return_by: date | None = Field(default=None, description="the loan's return date")


class NewFamilyAllocation(StrictModel):
    """A family the school does not have yet, and the device it is given, saved together."""

    family: FamilyCreate
    device_id: int
    dongle_id: int | None = None
    allocated_on: date
    collected: bool = Field(default=True, description="the family has the device now")
    end_of_updates_override: str | None = Field(
        default=None,
        max_length=500,
        description="why a device past its end of updates is given out all the same",
    )
    review_on: date | None = Field(default=None, description="the loan's review date")
    return_by: date | None = Field(default=None, description="the loan's return date")


class AllocationPublic(Public):
    id: int
    device_id: int
    dongle_id: int | None
    family_id: int
    school_id: int
    allocated_on: date
    collected_on: date | None
    returned_on: date | None
    return_reason: str | None
    review_on: date | None = None
    return_by: date | None = None


class OnDate(StrictModel):
    on: date


class ReturnDevice(OnDate):
    reason: str = Field(default="returned", max_length=50)


class SwapDevice(OnDate):
    replacement_device_id: int
    end_of_updates_override: str | None = Field(
        default=None,
        max_length=500,
        description="why a replacement past its end of updates is given out all the same",
    )


class TransferToFamily(OnDate):
    acceptance: str | None = Field(
        default=None,
        max_length=200,
        description="a note of how the family accepted, where the council does not require "
        "their acceptance through the service (by the texted link or in person)",
    )


class TransferToOrganisation(OnDate):
    organisation_id: int = Field(description="the scheme, a council, a trust or a school")


class OwnershipTransferPublic(Public):
    id: int
    from_kind: OwnerKind
    to_kind: OwnerKind
    to_organisation_id: int | None
    to_family_id: int | None
    transferred_on: date
    accepted_on: date | None
    acceptance: str | None
    recorded_by: str


class CoverPeriodCreate(StrictModel):
    provider: CoverProvider
    provider_name: str | None = Field(default=None, max_length=200)
    starts_on: date
    ends_on: date | None = None

    @field_validator("ends_on")
    @classmethod
    def _after_start(cls, value: date | None, info: Any) -> date | None:
        starts = info.data.get("starts_on")
        if value and starts and value < starts:
            raise ValueError("must be on or after starts_on")
        return value


class CoverPeriodPublic(Public):
    id: int
    device_id: int
    provider: CoverProvider
    provider_name: str | None
    starts_on: date
    ends_on: date | None


class DeviceRequestCreate(StrictModel):
    school_id: int
    kind: DeviceKind = DeviceKind.LAPTOP
    quantity: int = Field(ge=1, le=100_000)
    reason: str = Field(min_length=1, max_length=1000)
    requested_on: date


class DeviceRequestDecision(StrictModel):
    status: RequestStatus
    quantity_fulfilled: int | None = Field(default=None, ge=0)
    on: date


class DeviceRequestPublic(Public):
    id: int
    school_id: int
    kind: DeviceKind
    quantity: int
    quantity_fulfilled: int
    reason: str
    requested_on: date
    status: RequestStatus
    decided_on: date | None


class TextsBackOn(StrictModel):
    """Staff turn a family's texts back on only because the family asked."""

    family_asked: bool = Field(
        description="true: the family asked for texts again (on the phone, in person)"
    )
    reason: str = Field(min_length=3, max_length=500, description="how and when they asked")

    @field_validator("family_asked")
    @classmethod
    def _asked(cls, value: bool) -> bool:
        if not value:
            raise ValueError("Texts go back on only when the family asks: they can text START")
        return value


class TextChannelIn(StrictModel):
    """The family's chosen channel; WhatsApp only with their agreement recorded."""

    channel: Literal["sms", "whatsapp"]
    consent: str = Field(
        default="",
        max_length=300,
        description="how the family agreed (for example, asked at school); needed for WhatsApp",
    )


class TextChangePublic(Public):
    change: str
    how: str
    channel: str | None
    reason: str | None
    changed_at: datetime


class FamilyTextsPublic(BaseModel):
    family_id: int
    has_mobile: bool
    texts_on: bool
    off_since: datetime | None = None
    off_by: str | None = Field(default=None, description="the keyword, 'twilio' or none")
    off_channel: str | None = None
    channel: Literal["sms", "whatsapp"] = Field(
        default="sms", description="the channel the family chose for texts"
    )
    channel_consent: str | None = Field(
        default=None, description="how the family agreed to it, as staff recorded"
    )
    history: list[TextChangePublic] = []
