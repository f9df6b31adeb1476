"""Request and response shapes for incidents (the API and the pages validate with these)."""

from datetime import date, datetime

from pydantic import Field

from accounts.schemas import StrictModel
from devices.models import IncidentKind, IncidentStatus, ResponsibleParty, WarrantyStatus
from devices.schemas import Public
from dfc.patch import Clearable, PatchModel


class IncidentCreate(StrictModel):
    device_id: int
    kind: IncidentKind
    happened_on: date
    description: str = Field(min_length=1, max_length=2000)
    crime_reference: str | None = Field(default=None, max_length=50)
    insurance_reference: str | None = Field(default=None, max_length=50)
    responsible_party: ResponsibleParty = ResponsibleParty.UNKNOWN
    send_to_repair: bool = Field(
        default=False, description="damage only: the device goes to repair now"
    )


class IncidentUpdate(PatchModel):
    """References, the responsible party and the warranty claim, as they become known."""

    description: str | None = Field(default=None, min_length=1, max_length=2000)
    crime_reference: Clearable[str] = Field(default=None, max_length=50)
    insurance_reference: Clearable[str] = Field(default=None, max_length=50)
    responsible_party: ResponsibleParty | None = None
    warranty_status: WarrantyStatus | None = None
    warranty_supplier: Clearable[str] = Field(default=None, max_length=100)
    warranty_reference: Clearable[str] = Field(default=None, max_length=100)


class LoanerIssue(StrictModel):
    loaner_device_id: int
    on: date


class OnDay(StrictModel):
    on: date


class ChargeCreate(StrictModel):
    amount_pence: int = Field(ge=1, le=200_000, description="in pence, up to £2,000")
    reason: str = Field(min_length=1, max_length=500)
    on: date


class ChargeWaiver(StrictModel):
    reason: str = Field(min_length=1, max_length=500)
    on: date


class IncidentFilePublic(Public):
    id: int
    content_type: str
    size: int
    thumbnail: bool
    uploaded_by: str
    uploaded_at: datetime


class IncidentPublic(Public):
    id: int
    device_id: int
    holder_id: int
    family_id: int | None
    kind: IncidentKind
    status: IncidentStatus
    happened_on: date
    description: str
    crime_reference: str | None
    insurance_reference: str | None
    responsible_party: ResponsibleParty
    warranty_status: WarrantyStatus
    warranty_supplier: str | None
    warranty_reference: str | None
    warranty_claimed_on: date | None
    warranty_updated_on: date | None
    loaner_device_id: int | None
    loaner_issued_on: date | None
    loaner_returned_on: date | None
    disabled_in_manager_on: date | None
    disabled_by: str | None
    charge_pence: int | None
    charge_reason: str | None
    charged_on: date | None
    charged_by: str | None
    waived_on: date | None
    waived_by: str | None
    waiver_reason: str | None
    recorded_by: str
    created_at: datetime
    closed_on: date | None
