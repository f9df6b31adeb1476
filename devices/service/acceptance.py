"""Asking a family to accept terms (a device's handover, or a loan's agreement: the purpose),
by a one-time link texted to their phone,
which shows the terms in their language and records their answer, or their acceptance in
person with the member of staff named. The link's token is random and kept only as a hash;
it works once, for LINK_LIFETIME, and a new link replaces any earlier one for the device."""

import secrets
from datetime import datetime, timedelta

from sqlmodel import Session, select

import devices.acceptance_terms  # registers the "acceptance-link" text
import devices.loan_terms  # noqa: F401 (registers the "loan-agreement-link" text)
from accounts.secrets import secret_hash
from devices.models import (
    AcceptanceAnswer,
    AcceptanceMethod,
    AcceptancePurpose,
    Allocation,
    Device,
    Family,
    FamilyAcceptance,
)
from devices.service.access import actor, require_writer
from devices.service.lifecycle import open_allocation
from devices.service.loan_terms import terms_code_for
from devices.service.registry import get_device
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Conflict, InvalidInput
from dfc.settings import get_settings
from notifications.models import Channel
from notifications.outbox import Recipient, enqueue

LINK_LIFETIME = timedelta(days=14)
TERMS = {AcceptancePurpose.HANDOVER: "handover-1"}
LINK_TEMPLATE = {
    AcceptancePurpose.HANDOVER: "acceptance-link",
    AcceptancePurpose.LOAN: "loan-agreement-link",
}
LINK_PATH = "/accept/"


def _family_with(session: Session, device: Device) -> tuple[Allocation, Family]:
    allocation = open_allocation(session, device)
    if allocation is None:
        raise Conflict(
            f"Device {device.serial_number} is not with a family: allocate it first", field="device"
        )
    family = session.get(Family, allocation.family_id)
    assert family is not None
    return allocation, family


def _terms(session: Session, purpose: AcceptancePurpose, allocation: Allocation) -> str:
    """The code of the words the family is shown: a loan's come from its council's current
    version for its kind of loan (devices.service.loan_terms)."""
    if purpose is AcceptancePurpose.LOAN:
        return terms_code_for(session, allocation)
    return TERMS[purpose]


def _close_open_links(session: Session, device_id: int, purpose: AcceptancePurpose, now: datetime):
    """An earlier link for the same device stops working once a new one is sent."""
    for earlier in session.exec(
        select(FamilyAcceptance).where(
            FamilyAcceptance.device_id == device_id,
            FamilyAcceptance.purpose == purpose,
            FamilyAcceptance.answer.is_(None),
            FamilyAcceptance.expires_at > now,
        )
    ):
        earlier.expires_at = now
        session.add(earlier)


def ask_by_link(
    session: Session,
    *,
    caller: Caller,
    device_id: int,
    purpose: AcceptancePurpose = AcceptancePurpose.HANDOVER,
    now: datetime | None = None,
) -> FamilyAcceptance:
    """Texts the family a link to the terms. Refused (409) when the family has no mobile
    number or has turned our texts off: ask them in person instead."""
    require_writer(caller)
    now = now or utcnow()
    device = get_device(session, caller=caller, device_id=device_id)
    allocation, family = _family_with(session, device)
    if not family.phone_number or not family.sms_consent:
        raise Conflict(
            "The family cannot be texted (no mobile number, or texts turned off): "
            "record their acceptance in person",
            field="method",
        )
    _close_open_links(session, device.id, purpose, now)
    token = secrets.token_urlsafe(24)
    acceptance = FamilyAcceptance(
        purpose=purpose,
        device_id=device.id,
        family_id=family.id,
        organisation_id=family.school_id,
        terms=_terms(session, purpose, allocation),
        language=family.preferred_language,
        method=AcceptanceMethod.LINK,
        token_hash=secret_hash(token),
        expires_at=now + LINK_LIFETIME,
        asked_by=actor(caller),
        asked_at=now,
    )
    session.add(acceptance)
    session.flush()
    enqueue(
        session,
        key=f"acceptance:{acceptance.id}",
        template=LINK_TEMPLATE[purpose],
        now=now,
        recipient=Recipient(
            Channel.SMS, family.phone_number, family.preferred_language, family.school_id
        ),
        context={"link": f"{get_settings().BASE_URL}{LINK_PATH}{token}"},
    )
    return acceptance


def record_in_person(
    session: Session,
    *,
    caller: Caller,
    device_id: int,
    witnessed_by: str,
    purpose: AcceptancePurpose = AcceptancePurpose.HANDOVER,
    now: datetime | None = None,
) -> FamilyAcceptance:
    """The family accepted on paper or on a school device, seen by `witnessed_by`."""
    require_writer(caller)
    witnessed_by = witnessed_by.strip()
    if not witnessed_by:
        raise InvalidInput(
            "Enter the name of the member of staff who saw the family accept",
            field="witnessed_by",
        )
    now = now or utcnow()
    device = get_device(session, caller=caller, device_id=device_id)
    allocation, family = _family_with(session, device)
    _close_open_links(session, device.id, purpose, now)
    acceptance = FamilyAcceptance(
        purpose=purpose,
        device_id=device.id,
        family_id=family.id,
        organisation_id=family.school_id,
        terms=_terms(session, purpose, allocation),
        language=family.preferred_language,
        method=AcceptanceMethod.IN_PERSON,
        asked_by=actor(caller),
        asked_at=now,
        answer=AcceptanceAnswer.ACCEPTED,
        answered_at=now,
        witnessed_by=witnessed_by[:200],
    )
    session.add(acceptance)
    session.flush()
    return acceptance


def open_link(
    session: Session, token: str, *, now: datetime | None = None
) -> FamilyAcceptance | None:
    """The acceptance a link asks for, while it is live: unanswered and not expired."""
    now = now or utcnow()
    if not token or len(token) > 100:
        return None
    return session.exec(
        select(FamilyAcceptance).where(
            FamilyAcceptance.token_hash == secret_hash(token),
            FamilyAcceptance.answer.is_(None),
            FamilyAcceptance.expires_at > now,
        )
    ).first()


def answer_link(
    session: Session, token: str, *, accepted: bool, now: datetime | None = None
) -> FamilyAcceptance | None:
    """Records the family's answer; the link works once. None when it is not live."""
    now = now or utcnow()
    acceptance = open_link(session, token, now=now)
    if acceptance is None:
        return None
    acceptance.answer = AcceptanceAnswer.ACCEPTED if accepted else AcceptanceAnswer.DECLINED
    acceptance.answered_at = now
    session.add(acceptance)
    session.flush()
    return acceptance


def latest(
    session: Session,
    *,
    caller: Caller,
    device_id: int,
    purpose: AcceptancePurpose = AcceptancePurpose.HANDOVER,
) -> FamilyAcceptance | None:
    """The device's latest request or answer for `purpose`, for its current family."""
    device = get_device(session, caller=caller, device_id=device_id)
    allocation = open_allocation(session, device)
    if allocation is None:
        return None
    return session.exec(
        select(FamilyAcceptance)
        .where(
            FamilyAcceptance.device_id == device.id,
            FamilyAcceptance.family_id == allocation.family_id,
            FamilyAcceptance.purpose == purpose,
        )
        .order_by(FamilyAcceptance.asked_at.desc(), FamilyAcceptance.id.desc())
    ).first()


def accepted(
    session: Session,
    *,
    caller: Caller,
    device_id: int,
    purpose: AcceptancePurpose = AcceptancePurpose.HANDOVER,
) -> FamilyAcceptance | None:
    """The current family's acceptance of `purpose`, if they have accepted."""
    found = latest(session, caller=caller, device_id=device_id, purpose=purpose)
    return found if found is not None and found.answer is AcceptanceAnswer.ACCEPTED else None
