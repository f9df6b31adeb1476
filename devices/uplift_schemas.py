"""What the API takes and gives for data uplift requests."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from devices.models import ContractType, UpliftSource, UpliftStatus


class UpliftCreate(BaseModel):
    family_id: int
    network_id: int = Field(description="The network's organisation id")
    account_holder_name: str = Field(min_length=1, max_length=200)
    phone_number: str = Field(min_length=1, max_length=30, description="A UK mobile number")
    contract_type: ContractType
    data_gb: int = Field(ge=1, le=200, description="How much data, in GB")
    months: int = Field(ge=1, le=24, description="For how many months")
    source: UpliftSource = UpliftSource.STAFF


class UpliftUpdate(BaseModel):
    status: UpliftStatus
    network_note: str | None = Field(default=None, max_length=500)


class UpliftPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    organisation_id: int
    network_id: int
    family_id: int
    account_holder_name: str
    phone_number: str
    contract_type: ContractType
    data_gb: int
    months: int
    source: UpliftSource
    status: UpliftStatus
    network_note: str | None
    requested_by: str
    created_at: datetime
    updated_at: datetime
    exported_at: datetime | None
    completed_at: datetime | None


class UpliftImportResult(BaseModel):
    rows: int
    changed: int
    unchanged: int


class NetworkCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)


class NetworkPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
