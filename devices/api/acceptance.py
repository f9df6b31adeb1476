"""A family's acceptance of a device's handover: ask by a texted link, record it in person,
and see where it stands (devices.service.acceptance has the rules)."""

from datetime import datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field

from accounts.deps import ApiCaller, SessionDep
from accounts.schemas import StrictModel
from devices.models import AcceptanceAnswer, AcceptanceMethod, AcceptancePurpose, FamilyAcceptance
from devices.service import acceptance as service
from dfc.errors import NotFound
from dfc.personal_data import sharing

router = APIRouter(prefix="/api/devices", tags=["devices"])
TABLE = "family_acceptance"


class AcceptancePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    purpose: AcceptancePurpose
    device_id: int
    terms: str
    language: str
    method: AcceptanceMethod
    asked_by: str
    asked_at: datetime
    expires_at: datetime | None
    answer: AcceptanceAnswer | None
    answered_at: datetime | None
    witnessed_by: str | None


class InPerson(StrictModel):
    witnessed_by: str = Field(
        min_length=1, max_length=200, description="the member of staff who saw them accept"
    )


def _answer(caller, found: FamilyAcceptance, status_code: int = 200):
    return sharing.shared(
        caller, TABLE, AcceptancePublic.model_validate(found), status_code=status_code,
        require=False,
    )  # fmt: skip


@router.get("/{device_id}/acceptance")
def latest(device_id: int, session: SessionDep, caller: ApiCaller) -> AcceptancePublic:
    """The current family's latest answer (or the link still waiting for one)."""
    found = service.latest(session, caller=caller, device_id=device_id)
    if found is None:
        raise NotFound("The family has not been asked to accept this device", field="device")
    return _answer(caller, found)


@router.post("/{device_id}/acceptance/link", status_code=status.HTTP_201_CREATED)
def ask_by_link(device_id: int, session: SessionDep, caller: ApiCaller) -> AcceptancePublic:
    """Texts the family a one-time link to the terms in their language (14 days)."""
    found = service.ask_by_link(session, caller=caller, device_id=device_id)
    session.commit()
    return _answer(caller, found, status.HTTP_201_CREATED)


@router.post("/{device_id}/acceptance/in-person", status_code=status.HTTP_201_CREATED)
def in_person(
    device_id: int, body: InPerson, session: SessionDep, caller: ApiCaller
) -> AcceptancePublic:
    """The family accepted in person, seen by the member of staff named."""
    found = service.record_in_person(
        session, caller=caller, device_id=device_id, witnessed_by=body.witnessed_by
    )
    session.commit()
    return _answer(caller, found, status.HTTP_201_CREATED)
