"""The safe handover: a device becomes a family's to keep only once its council's required
steps are done (removed from management, wiped, licence seats released, filtering signed
off by the safeguarding lead, the family's acceptance). A handover missing a step is
refused with 409 naming every missing step, on the page and in the API alike, since both
come here. Steps belong to the current allocation: another family starts the list again."""

from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, select

from accounts.models import OrganisationKind, Role
from devices.models import (
    ALL_STEPS,
    Device,
    HandoverCheck,
    HandoverPolicy,
    HandoverStep,
    LicenceSeat,
)
from devices.service import events, lifecycle, transitions
from devices.service.access import actor, require_writer
from devices.service.handover_checklist import (
    STEP_NAMES,
    checklist,
    current_allocation,
    missing_steps,
)
from devices.service.registry import get_device
from devices.service.transitions import Action
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Conflict, Forbidden, InvalidInput

PEOPLE_STEPS = (
    HandoverStep.MANAGEMENT_REMOVED,
    HandoverStep.WIPED,
    HandoverStep.FILTERING_SIGNED_OFF,
)
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
    allocation = current_allocation(session, device)
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
    missing = missing_steps(states)
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
