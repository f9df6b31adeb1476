"""Each council sets its alert thresholds and who gets its daily digest."""

import re

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, field_validator

from accounts.deps import ApiCaller, SessionDep
from accounts.models import OrganisationKind, Role
from accounts.organisations import get_organisation
from dfc.errors import Forbidden
from notifications.models import AlertPolicy

router = APIRouter(prefix="/api/councils", tags=["notifications"])
LEVELS = re.compile(r"^\d{1,4}(,\d{1,4})*$")


class AlertPolicyBody(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    cover_days: str = Field(default="90,30,7", description="days before support ends")
    licence_days: str = Field(default="90,30,7")
    connectivity_days: str = Field(default="30,7")
    data_percents: str = Field(default="80,100", description="shares of the monthly allowance")
    digest_emails: str = Field(
        default="", max_length=2000, description="comma-separated; empty: the council's officers"
    )
    text_families: bool = True

    @field_validator("cover_days", "licence_days", "connectivity_days", "data_percents")
    @classmethod
    def _levels(cls, value: str) -> str:
        cleaned = value.replace(" ", "")
        if not LEVELS.match(cleaned):
            raise ValueError("use whole numbers separated by commas, e.g. 90,30,7")
        return cleaned

    @field_validator("digest_emails")
    @classmethod
    def _emails(cls, value: str) -> str:
        addresses = [part.strip() for part in value.split(",") if part.strip()]
        bad = [address for address in addresses if "@" not in address]
        if bad:
            raise ValueError(f"not email addresses: {', '.join(bad)}")
        return ",".join(addresses)


@router.get("/{council_id}/alert-policy")
def read_policy(council_id: int, session: SessionDep, caller: ApiCaller) -> AlertPolicyBody:
    council = get_organisation(
        session, caller=caller, organisation_id=council_id, kind=OrganisationKind.COUNCIL
    )
    policy = session.get(AlertPolicy, council.id) or AlertPolicy(council_id=council.id)
    return AlertPolicyBody.model_validate(policy)


@router.put("/{council_id}/alert-policy")
def set_policy(
    council_id: int, body: AlertPolicyBody, session: SessionDep, caller: ApiCaller
) -> AlertPolicyBody:
    council = get_organisation(
        session, caller=caller, organisation_id=council_id, kind=OrganisationKind.COUNCIL
    )
    if not caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        raise Forbidden("Only council officers and scheme admins set alerts")
    policy = session.get(AlertPolicy, council.id) or AlertPolicy(council_id=council.id)
    for field, value in body.model_dump().items():
        setattr(policy, field, value)
    session.add(policy)
    session.commit()
    return AlertPolicyBody.model_validate(policy)
