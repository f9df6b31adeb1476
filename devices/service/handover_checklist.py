"""Where devices stand on the handover checklist: each step, whether the council requires
it and whether it is done. Worked out for many devices at once in a fixed number of
queries, so a school's whole stock is read as cheaply as one device; a single device's
checklist is the same rule for a list of one."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from accounts.scoping import among_ids
from devices.models import (
    ALL_STEPS,
    AcceptanceMethod,
    AcceptancePurpose,
    Allocation,
    Device,
    FamilyAcceptance,
    HandoverCheck,
    HandoverPolicy,
    HandoverStep,
    LicenceSeat,
)
from devices.models.management import DeviceManagement, EnrolmentState, Manager
from devices.service import lifecycle
from devices.service.registry import get_device
from dfc.caller import Caller
from dfc.errors import Conflict

STEP_NAMES = {
    HandoverStep.MANAGEMENT_REMOVED: "Removed from management",
    HandoverStep.WIPED: "Wiped",
    HandoverStep.LICENCES_RELEASED: "Licence seats released",
    HandoverStep.FILTERING_SIGNED_OFF: "Filtering signed off by the safeguarding lead",
    HandoverStep.FAMILY_ACCEPTED: "The family's acceptance",
}
UNMANAGED = (EnrolmentState.DEPROVISIONED, EnrolmentState.NOT_MANAGED)
MANAGER_NAMES = {
    Manager.INTUNE: "Microsoft Intune",
    Manager.GOOGLE_ADMIN: "Google Admin",
    Manager.OTHER_MDM: "another device manager",
    Manager.NONE: "no manager",
}


@dataclass(frozen=True)
class StepState:
    step: HandoverStep
    name: str
    required: bool
    done: bool
    detail: str


def missing_steps(states: Sequence[StepState]) -> list[HandoverStep]:
    """The required steps not yet done: empty when the device can become the family's."""
    return [state.step for state in states if state.required and not state.done]


def day(when: date | datetime) -> str:
    return f"{when.day} {when:%B %Y}"


def council_of(session: Session, organisation_id: int) -> int | None:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    if organisation.kind is OrganisationKind.COUNCIL:
        return organisation.id
    return organisation.council_id


def _policy_steps(policy: HandoverPolicy | None) -> list[HandoverStep]:
    if policy is None:
        return list(ALL_STEPS)
    chosen = {part.strip() for part in policy.required.split(",") if part.strip()}
    return [step for step in ALL_STEPS if step.value in chosen]


def required_steps(session: Session, council_id: int | None) -> list[HandoverStep]:
    """The council's required steps; every step unless it has said otherwise."""
    return _policy_steps(session.get(HandoverPolicy, council_id) if council_id else None)


def current_allocation(session: Session, device: Device) -> Allocation:
    allocation = lifecycle.open_allocation(session, device)
    if allocation is None:
        raise Conflict(
            f"Device {device.serial_number} is not with a family: allocate it first",
            field="device",
        )
    return allocation


def _acceptance_detail(found: FamilyAcceptance | None) -> tuple[bool, str]:
    if found is None:
        return False, "Not asked yet"
    if found.answer is None:
        return False, "Link texted, waiting for the family"
    if found.answer.value != "accepted":
        return False, "The family declined"
    if found.method is AcceptanceMethod.LINK:
        return True, f"Accepted by the link texted to the family on {day(found.answered_at)}"
    return True, f"Accepted in person on {day(found.answered_at)}, seen by {found.witnessed_by}"


def check_detail(check: HandoverCheck) -> str:
    parts = [day(check.done_on), f"by {check.confirmed_by}"]
    if check.method:
        parts.insert(0, check.method)
    if check.reference:
        parts.append(f"({check.reference})")
    return ", ".join(parts)


def _step(
    step: HandoverStep,
    check: HandoverCheck | None,
    management: DeviceManagement | None,
    seats: int,
    answer: FamilyAcceptance | None,
) -> tuple[bool, str]:
    if step is HandoverStep.MANAGEMENT_REMOVED and check is None and management is not None:
        done = management.state in UNMANAGED
        state = management.state.value.replace("-", " ")
        if done:
            return True, f"The manager reports it {state}"
        return False, f"Still {state} in {MANAGER_NAMES[management.manager]}"
    if step is HandoverStep.LICENCES_RELEASED:
        return True, f"{seats} seat(s), released by the service at handover" if seats else (
            "No seats"
        )
    if step is HandoverStep.FAMILY_ACCEPTED:
        return _acceptance_detail(answer)
    if check is not None:
        return True, check_detail(check)
    return False, "Not done"


def checklists(
    session: Session, allocations: dict[int, Allocation], holders: dict[int, int]
) -> dict[int, list[StepState]]:
    """Each device's steps, by device id, for devices already in the caller's reach:
    `allocations` their open allocation, `holders` the organisation holding each."""
    if not allocations:
        return {}
    device_ids = list(allocations)
    councils = _councils(session, set(holders.values()))
    policies = {
        policy.council_id: policy
        for policy in session.exec(
            select(HandoverPolicy).where(
                among_ids(HandoverPolicy.council_id, {c for c in councils.values() if c})
            )
        )
    }
    checks: dict[int, dict[HandoverStep, HandoverCheck]] = {}
    allocation_ids = {allocation.id for allocation in allocations.values()}
    for check in session.exec(
        select(HandoverCheck)
        .where(among_ids(HandoverCheck.allocation_id, allocation_ids))
        .order_by(HandoverCheck.recorded_at, HandoverCheck.id)
    ):
        checks.setdefault(check.device_id, {})[check.step] = check  # the latest of each step
    managed = {
        row.device_id: row
        for row in session.exec(
            select(DeviceManagement).where(among_ids(DeviceManagement.device_id, device_ids))
        )
    }
    seats = dict(
        session.exec(
            select(LicenceSeat.device_id, func.count())
            .where(among_ids(LicenceSeat.device_id, device_ids))
            .group_by(LicenceSeat.device_id)
        ).all()
    )
    answers: dict[int, FamilyAcceptance] = {}
    for answer in session.exec(
        select(FamilyAcceptance)
        .where(
            among_ids(FamilyAcceptance.device_id, device_ids),
            FamilyAcceptance.purpose == AcceptancePurpose.HANDOVER,
        )
        .order_by(FamilyAcceptance.asked_at, FamilyAcceptance.id)
    ):
        if answer.family_id == allocations[answer.device_id].family_id:
            answers[answer.device_id] = answer  # the current family's latest
    result: dict[int, list[StepState]] = {}
    for device_id in device_ids:
        council = councils.get(holders[device_id])
        required = set(_policy_steps(policies.get(council) if council else None))
        result[device_id] = [
            StepState(
                step,
                STEP_NAMES[step],
                step in required,
                *_step(
                    step,
                    checks.get(device_id, {}).get(step),
                    managed.get(device_id),
                    seats.get(device_id, 0),
                    answers.get(device_id),
                ),
            )
            for step in ALL_STEPS
        ]
    return result


def _councils(session: Session, organisation_ids: set[int]) -> dict[int, int | None]:
    """Each organisation's council (a council is its own)."""
    rows = session.exec(
        select(Organisation.id, Organisation.kind, Organisation.council_id).where(
            among_ids(Organisation.id, organisation_ids)
        )
    ).all()
    return {
        id_: id_ if kind is OrganisationKind.COUNCIL else council_id
        for id_, kind, council_id in rows
    }


def checklist(session: Session, *, caller: Caller, device_id: int) -> list[StepState]:
    """Every step of one device with whether the council requires it and whether it is done."""
    device = get_device(session, caller=caller, device_id=device_id)
    allocation = current_allocation(session, device)
    return checklists(session, {device.id: allocation}, {device.id: device.holder_id})[device.id]
