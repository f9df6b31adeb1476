"""Who is calling: a signed-in member of staff or a machine integration's API key."""

from dataclasses import dataclass

from dfc.accounts.models import ApiKey, Organisation, OrganisationKind, Role, User


@dataclass(frozen=True, slots=True)
class Caller:
    organisation_id: int
    organisation_kind: OrganisationKind
    organisation_name: str
    role: Role | None
    user_id: int | None = None
    api_key_id: int | None = None
    name: str = ""

    @classmethod
    def for_user(cls, user: User, organisation: Organisation) -> "Caller":
        return cls(
            organisation_id=organisation.id or 0,
            organisation_kind=organisation.kind,
            organisation_name=organisation.name,
            role=user.role,
            user_id=user.id,
            name=user.full_name,
        )

    @classmethod
    def for_api_key(cls, key: ApiKey, organisation: Organisation) -> "Caller":
        return cls(
            organisation_id=organisation.id or 0,
            organisation_kind=organisation.kind,
            organisation_name=organisation.name,
            role=None,
            api_key_id=key.id,
            name=f"API key {key.name}",
        )

    @property
    def is_integration(self) -> bool:
        return self.api_key_id is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
