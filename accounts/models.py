"""Tables for organisations, staff users and their credentials."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer
from sqlmodel import Field, SQLModel

from dfc.caller import OrganisationKind, Role
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal

__all__ = [  # the caller's kinds and roles are the kernel's; listed here beside their tables
    "ApiKey", "Credential", "CredentialKind", "Organisation", "OrganisationKind", "Role",
    "SchoolPhase", "User",
]  # fmt: skip


class SchoolPhase(StrEnum):
    NURSERY = "nursery"
    PRIMARY = "primary"
    MIDDLE = "middle"
    SECONDARY = "secondary"
    ALL_THROUGH = "all-through"
    SPECIAL = "special"
    ALTERNATIVE_PROVISION = "alternative-provision"
    SIXTEEN_PLUS = "16-plus"


class CredentialKind(StrEnum):
    WEB_SESSION = "web-session"
    API_TOKEN = "api-token"


def _organisation_fk(*, ondelete: str) -> Column:
    return Column(Integer, ForeignKey("organisation.id", ondelete=ondelete), index=True)


class Organisation(SQLModel, table=True):
    """One table for every kind of organisation, so that one column can say who holds what
    and scoping is a single filter. Kind-specific columns are checked by constraints."""

    __tablename__ = "organisation"

    __table_args__ = (
        CheckConstraint(
            "kind <> 'council' OR (gss_code IS NOT NULL AND la_code IS NOT NULL)",
            name="council_has_codes",
        ),
        CheckConstraint(
            "kind <> 'school' OR (urn IS NOT NULL AND council_id IS NOT NULL)",
            name="school_has_urn_and_council",
        ),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    kind: OrganisationKind = Field(
        sa_type=string_enum(OrganisationKind), index=True, **not_personal()
    )
    name: str = Field(max_length=200, index=True, **not_personal())
    gss_code: str | None = Field(default=None, max_length=9, unique=True, **not_personal())
    la_code: str | None = Field(default=None, max_length=3, unique=True, **not_personal())
    inner_london: bool | None = Field(default=None, **not_personal())
    urn: str | None = Field(default=None, max_length=7, unique=True, **not_personal())
    phase: SchoolPhase | None = Field(
        default=None, sa_type=string_enum(SchoolPhase), **not_personal()
    )
    council_id: int | None = Field(
        default=None, sa_column=not_personal().on(_organisation_fk(ondelete="RESTRICT"))
    )
    trust_id: int | None = Field(
        default=None, sa_column=not_personal().on(_organisation_fk(ondelete="SET NULL"))
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class User(SQLModel, table=True):
    """A member of staff; what they reach follows from their organisation, what they may
    do from their role."""

    __tablename__ = "staff_user"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    email: str = Field(
        max_length=254, unique=True, **personal(DataCategory.STAFF, retention="staff-account")
    )
    full_name: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-account")
    )
    role: Role = Field(sa_type=string_enum(Role), **not_personal())
    organisation_id: int = Field(
        sa_column=not_personal().on(
            Column(
                Integer,
                ForeignKey("organisation.id", ondelete="RESTRICT"),
                index=True,
                nullable=False,
            )
        )
    )
    password_hash: str = Field(
        max_length=200, **personal(DataCategory.ONLINE, retention="staff-account")
    )
    is_active: bool = Field(default=True, **not_personal())
    failed_sign_ins: int = Field(default=0, **not_personal())
    locked_until: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    last_signed_in_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        **personal(DataCategory.ONLINE, retention="staff-account"),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class Credential(SQLModel, table=True):
    """A signed-in web session or an API bearer token. Only a hash of the secret is kept,
    so a copy of the database cannot be used to sign in."""

    __tablename__ = "credential"

    __table_args__ = (Index("ix_credential_user_kind", "user_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    user_id: int = Field(
        sa_column=personal(DataCategory.STAFF, retention="session").on(
            Column(Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False)
        )
    )
    kind: CredentialKind = Field(sa_type=string_enum(CredentialKind), **not_personal())
    secret_hash: str = Field(
        max_length=64, unique=True, **not_personal("a hash of a random secret")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    expires_at: datetime = Field(sa_type=UTCDateTime, **not_personal())
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())


class ApiKey(SQLModel, table=True):
    """A machine integration's key (a supplier's manifests, a network's usage feed).
    Shown once when made; stored as a hash; revocable."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    organisation_id: int = Field(
        sa_column=not_personal().on(
            Column(
                Integer,
                ForeignKey("organisation.id", ondelete="CASCADE"),
                index=True,
                nullable=False,
            )
        )
    )
    name: str = Field(max_length=100, **not_personal())
    prefix: str = Field(max_length=16, index=True, **not_personal())
    secret_hash: str = Field(
        max_length=64, unique=True, **not_personal("a hash of a random secret")
    )
    created_by_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.STAFF, retention="staff-action").on(
            Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"))
        ),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    # A key for another organisation's integration reaches only what its information
    # sharing agreement covers, and only while the agreement is in force (privacy).
    agreement_id: int | None = Field(
        default=None,
        sa_column=not_personal().on(
            Column(
                Integer,
                ForeignKey("sharing_agreement.id", ondelete="RESTRICT"),
                index=True,
                nullable=True,
            )
        ),
    )
