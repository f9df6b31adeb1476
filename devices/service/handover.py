"""The safe handover: a device becomes a family's to keep only once its council's required
steps are done (removed from management, wiped, licence seats released, filtering signed
off by the safeguarding lead, the family's acceptance). A handover missing a step is
refused with 409 naming every missing step, on the page and in the API alike, since both
come here. Steps belong to the current allocation: another family starts the list again."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from devices.models import (
    ALL_STEPS,
    AcceptanceMethod,
    Allocation,
    Device,
    FamilyAcceptance,
    HandoverCheck,
    HandoverPolicy,
    HandoverStep,
    LicenceSeat,
)
from devices.models.management import DeviceManagement, EnrolmentState, Manager
from devices.service import acceptance, events, lifecycle, transitions
from devices.service.access import actor, require_writer
from devices.service.registry import get_device
from devices.service.transitions import Action
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Conflict, Forbidden, InvalidInput

STEP_NAMES = {
    HandoverStep.MANAGEMENT_REMOVED: "Removed from management",
    HandoverStep.WIPED: "Wiped",
    HandoverStep.LICENCES_RELEASED: "Licence seats released",
    HandoverStep.FILTERING_SIGNED_OFF: "Filtering signed off by the safeguarding lead",
    HandoverStep.FAMILY_ACCEPTED: "The family's acceptance",
}
PEOPLE_STEPS = (
    HandoverStep.MANAGEMENT_REMOVED,
    HandoverStep.WIPED,
    HandoverStep.FILTERING_SIGNED_OFF,
)
UNMANAGED = (EnrolmentState.DEPROVISIONED, EnrolmentState.NOT_MANAGED)
MANAGER_NAMES = {
    Manager.INTUNE: "Microsoft Intune",
    Manager.GOOGLE_ADMIN: "Google Admin",
    Manager.OTHER_MDM: "another device manager",
    Manager.NONE: "no manager",
}


def _day(when: date | datetime) -> str:
    return f"{when.day} {when:%B %Y}"


SIGNERS = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER)


class HandoverIncomplete(Conflict):
    """409 naming every step still to do."""

    code = "handover-incomplete"

    def __init__(self, missing: list[HandoverStep]) -> None:
        names = ", ".join(STEP_NAMES[step].lower() for step in missing)
        super().__init__(f"The device cannot become the family's yet. Still to do: {names}")
        self.missing = missing

    def body(self) -> dict:
        return super().body() | {
            "missing": [step.value for step in self.missing],
            "problems": [
                {"field": step.value, "message": f"{STEP_NAMES[step]}: not done"}
                for step in self.missing
            ],
        }


@dataclass(frozen=True)
class StepState:
    step: HandoverStep
    name: str
    required: bool
    done: bool
    detail: str


def council_of(session: Session, organisation_id: int) -> int | None:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    if organisation.kind is OrganisationKind.COUNCIL:
        return organisation.id
    return organisation.council_id


def required_steps(session: Session, council_id: int | None) -> list[HandoverStep]:
    """The council's required steps; every step unless it has said otherwise."""
    policy = session.get(HandoverPolicy, council_id) if council_id else None
    if policy is None:
        return list(ALL_STEPS)
    chosen = {part.strip() for part in policy.required.split(",") if part.strip()}
    return [step for step in ALL_STEPS if step.value in chosen]


def set_required_steps(
    session: Session, *, caller: Caller, steps: list[str], now: datetime | None = None
) -> list[HandoverStep]:
    """A council officer chooses which steps their council requires."""
    if not caller.has_role(Role.COUNCIL_OFFICER) or caller.organisation_kind is not (
        OrganisationKind.COUNCIL
    ):
        raise Forbidden("Only a council's officers choose the steps its handovers require")
    known = {step.value for step in ALL_STEPS}
    unknown = [step for step in steps if step not in known]
    if unknown:
        raise InvalidInput(
            f"Unknown steps: {', '.join(unknown)}; choose from {', '.join(sorted(known))}",
            field="steps",
        )
    policy = session.get(HandoverPolicy, caller.organisation_id) or HandoverPolicy(
        council_id=caller.organisation_id
    )
    chosen = [step for step in ALL_STEPS if step.value in steps]
    policy.required = ",".join(chosen)
    policy.changed_by, policy.changed_at = actor(caller), now or utcnow()
    session.add(policy)
    session.flush()
    return chosen


def _allocation(session: Session, device: Device) -> Allocation:
    allocation = lifecycle.open_allocation(session, device)
    if allocation is None:
        raise Conflict(
            f"Device {device.serial_number} is not with a family: allocate it first",
            field="device",
        )
    return allocation


def _checks(session: Session, allocation: Allocation) -> dict[HandoverStep, HandoverCheck]:
    rows = session.exec(
        select(HandoverCheck)
        .where(HandoverCheck.allocation_id == allocation.id)
        .order_by(HandoverCheck.recorded_at, HandoverCheck.id)
    )
    return {row.step: row for row in rows}  # the latest of each step


def _acceptance_detail(found: FamilyAcceptance | None) -> tuple[bool, str]:
    if found is None:
        return False, "Not asked yet"
    if found.answer is None:
        return False, "Link texted, waiting for the family"
    if found.answer.value != "accepted":
        return False, "The family declined"
    if found.method is AcceptanceMethod.LINK:
        return True, f"Accepted by the link texted to the family on {_day(found.answered_at)}"
    return True, f"Accepted in person on {_day(found.answered_at)}, seen by {found.witnessed_by}"


def checklist(session: Session, *, caller: Caller, device_id: int) -> list[StepState]:
    """Every step with whether the council requires it and whether it is done."""
    device = get_device(session, caller=caller, device_id=device_id)
    allocation = _allocation(session, device)
    required = set(required_steps(session, council_of(session, device.holder_id)))
    checks = _checks(session, allocation)
    management = session.exec(
        select(DeviceManagement).where(DeviceManagement.device_id == device.id)
    ).first()
    seats = len(
        session.exec(select(LicenceSeat.id).where(LicenceSeat.device_id == device.id)).all()
    )
    states: list[StepState] = []
    for step in ALL_STEPS:
        check = checks.get(step)
        if step is HandoverStep.MANAGEMENT_REMOVED and check is None and management is not None:
            done = management.state in UNMANAGED
            state = management.state.value.replace("-", " ")
            detail = (
                f"The manager reports it {state}"
                if done
                else f"Still {state} in {MANAGER_NAMES[management.manager]}"
            )
        elif step is HandoverStep.LICENCES_RELEASED:
            done = True
            detail = (
                f"{seats} seat(s), released by the service at handover" if seats else "No seats"
            )
        elif step is HandoverStep.FAMILY_ACCEPTED:
            done, detail = _acceptance_detail(
                acceptance.latest(session, caller=caller, device_id=device.id)
            )
        elif check is not None:
            done, detail = True, _check_detail(check)
        else:
            done, detail = False, "Not done"
        states.append(StepState(step, STEP_NAMES[step], step in required, done, detail))
    return states


def _check_detail(check: HandoverCheck) -> str:
    parts = [_day(check.done_on), f"by {check.confirmed_by}"]
    if check.method:
        parts.insert(0, check.method)
    if check.reference:
        parts.append(f"({check.reference})")
    return ", ".join(parts)


def record_step(
    session: Session,
    *,
    caller: Caller,
    device_id: int,
    step: HandoverStep,
    done_on: date,
    confirmed_by: str,
    method: str | None = None,
    reference: str | None = None,
) -> HandoverCheck:
    """A step done by people. A wipe needs its method and its certificate's reference; a
    filtering decision is recorded by a council officer and names the safeguarding lead."""
    require_writer(caller)
    if step not in PEOPLE_STEPS:
        raise InvalidInput(
            f"{STEP_NAMES[step]} is not recorded by hand: the service does it", field="step"
        )
    confirmed_by, method, reference = (
        confirmed_by.strip(),
        (method or "").strip() or None,
        (reference or "").strip() or None,
    )
    if not confirmed_by:
        raise InvalidInput("Enter who did or confirmed it", field="confirmed_by")
    if step is HandoverStep.WIPED and not (method and reference):
        raise InvalidInput(
            "Enter how it was wiped and the wipe certificate's reference",
            field="reference" if method else "method",
        )
    if step is HandoverStep.FILTERING_SIGNED_OFF:
        if not caller.has_role(*SIGNERS):
            raise Forbidden("Filtering is signed off by the council (its safeguarding lead)")
        if not reference:
            raise InvalidInput("Enter the filtering decision", field="reference")
    device = get_device(session, caller=caller, device_id=device_id)
    allocation = _allocation(session, device)
    if done_on < allocation.allocated_on:
        raise InvalidInput(
            f"The date is before the device went to this family ({allocation.allocated_on})",
            field="done_on",
        )
    check = HandoverCheck(
        device_id=device.id,
        allocation_id=allocation.id,
        step=step,
        done_on=done_on,
        method=method,
        reference=reference,
        confirmed_by=confirmed_by[:200],
        recorded_by=actor(caller),
    )
    session.add(check)
    session.flush()
    return check


def hand_over(
    session: Session, *, caller: Caller, device_id: int, on: date, note: str | None = None
) -> Device:
    """The device becomes the family's, once every required step is done (409 otherwise);
    its licence seats are released in the same transaction."""
    require_writer(caller)
    transitions.require(
        get_device(session, caller=caller, device_id=device_id), Action.TRANSFER_TO_FAMILY
    )
    states = checklist(session, caller=caller, device_id=device_id)
    missing = [state.step for state in states if state.required and not state.done]
    if missing:
        raise HandoverIncomplete(missing)
    device = get_device(session, caller=caller, device_id=device_id)
    accepted = next(state for state in states if state.step is HandoverStep.FAMILY_ACCEPTED)
    how = accepted.detail if accepted.done else (note or "Acceptance not required by the council")
    released = session.exec(
        select(LicenceSeat.licence_id).where(LicenceSeat.device_id == device.id)
    ).all()
    if released:
        session.exec(delete(LicenceSeat).where(LicenceSeat.device_id == device.id))
        events.record(
            session,
            device=device,
            caller=caller,
            action="licence-seats-released",
            before={"licence_ids": sorted(released)},
            on=on,
        )
    return lifecycle.transfer_to_family(
        session, caller=caller, device_id=device.id, on=on, acceptance=how[:200]
    )
