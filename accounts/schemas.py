"""Request and response shapes for organisations, users and API keys."""

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from accounts.models import OrganisationKind, Role, SchoolPhase
from dfc.patch import Clearable, PatchModel

URN_PATTERN = re.compile(r"^\d{6,7}$")
LA_CODE_PATTERN = re.compile(r"^\d{3}$")
GSS_PATTERN = re.compile(r"^[ENSW]\d{8}$")


class StrictModel(BaseModel):
    """Input models refuse fields they do not know, so a typo is an error, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class OrganisationPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: OrganisationKind
    name: str
    gss_code: str | None = None
    la_code: str | None = None
    inner_london: bool | None = None
    urn: str | None = None
    phase: SchoolPhase | None = None
    council_id: int | None = None
    trust_id: int | None = None


class SchoolCreate(StrictModel):
    urn: str = Field(pattern=URN_PATTERN.pattern, description="DfE unique reference number")
    name: str = Field(min_length=1, max_length=200)
    phase: SchoolPhase
    council_id: int
    trust_id: int | None = None


class SchoolUpdate(PatchModel):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    phase: SchoolPhase | None = None
    trust_id: Clearable[int] = Field(default=None, description="null: not in a trust")


class CouncilCreate(StrictModel):
    name: str = Field(min_length=1, max_length=200)
    gss_code: str = Field(pattern=GSS_PATTERN.pattern)
    la_code: str = Field(pattern=LA_CODE_PATTERN.pattern)
    inner_london: bool | None = None


class TrustCreate(StrictModel):
    name: str = Field(min_length=1, max_length=200)


class UserCreate(StrictModel):
    email: EmailStr
    full_name: str = Field(min_length=1, max_length=200)
    role: Role
    organisation_id: int
    password: str = Field(min_length=10, max_length=200)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class UserUpdate(PatchModel):
    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    role: Role | None = None
    is_active: bool | None = None


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    role: Role
    organisation_id: int
    is_active: bool
    last_signed_in_at: datetime | None = None


class ApiKeyCreate(StrictModel):
    name: str = Field(min_length=1, max_length=100, description="Who uses it, e.g. 'Supplier X'")
    organisation_id: int
    agreement_id: int | None = Field(
        default=None,
        description="the information sharing agreement the key's integration works under: "
        "the key then reads only the kinds of data it covers, and only while it is in force",
    )


class ApiKeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    prefix: str
    organisation_id: int
    agreement_id: int | None = None
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="Shown once: store it now; only a hash is kept")


class TokenIssued(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class Me(BaseModel):
    name: str
    role: Role | None
    organisation_id: int
    organisation_kind: OrganisationKind
    organisation_name: str
