"""Who is calling: a signed-in member of staff or a machine integration's API key. The
kernel's own record of it, so every layer can ask; accounts makes one from a sign-in."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from dfc.personal_data.categories import DataCategory


class OrganisationKind(StrEnum):
    SCHEME = "scheme"
    COUNCIL = "council"
    TRUST = "trust"
    SCHOOL = "school"
    NETWORK = "network"  # a mobile network answering data uplift requests


class Role(StrEnum):
    SCHEME_ADMIN = "scheme-admin"
    COUNCIL_OFFICER = "council-officer"
    SCHOOL_STAFF = "school-staff"
    SUPPORT_AGENT = "support-agent"
    NETWORK_USER = "network-user"  # sees only its own network's uplift requests


class _Organisation(Protocol):
    id: int | None
    kind: OrganisationKind
    name: str


class _User(Protocol):
    id: int | None
    role: Role
    full_name: str


class _ApiKey(Protocol):
    id: int | None
    name: str
    agreement_id: int | None


@dataclass(frozen=True, slots=True)
class Caller:
    organisation_id: int
    organisation_kind: OrganisationKind
    organisation_name: str
    role: Role | None
    user_id: int | None = None
    api_key_id: int | None = None
    name: str = ""
    # What kinds of personal data the caller may read: None for staff and keys with no
    # sharing agreement (their role and scope decide), else what the key's agreement covers.
    data_categories: frozenset[DataCategory] | None = None
    agreement_id: int | None = None
    # Every organisation the caller reaches, resolved once when their credential is checked
    # (accounts.scoping.with_reach), so lists filter by a list of ids the planner can use;
    # None: not resolved, and scoping asks the organisation table in each query instead.
    reach: tuple[int, ...] | None = None

    @classmethod
    def for_user(cls, user: _User, organisation: _Organisation) -> "Caller":
        return cls(
            organisation_id=organisation.id or 0,
            organisation_kind=organisation.kind,
            organisation_name=organisation.name,
            role=user.role,
            user_id=user.id,
            name=user.full_name,
        )

    @classmethod
    def for_api_key(
        cls,
        key: _ApiKey,
        organisation: _Organisation,
        data_categories: frozenset[DataCategory] | None = None,
    ) -> "Caller":
        return cls(
            organisation_id=organisation.id or 0,
            organisation_kind=organisation.kind,
            organisation_name=organisation.name,
            role=None,
            api_key_id=key.id,
            name=f"API key {key.name}",
            data_categories=data_categories,
            agreement_id=key.agreement_id,
        )

    @property
    def is_integration(self) -> bool:
        return self.api_key_id is not None

    def may_read(self, category: DataCategory) -> bool:
        return self.data_categories is None or category in self.data_categories

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
