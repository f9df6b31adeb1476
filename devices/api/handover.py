"""The handover checklist: where a device stands, recording the steps people do, the
council's required steps, and many devices handed over at once (devices.service.handover)."""

from datetime import date
from typing import Literal

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from accounts.deps import ApiCaller, SessionDep
from accounts.schemas import StrictModel
from devices.models import HandoverStep
from devices.service import handover, handover_batches, handover_checklist

router = APIRouter(tags=["devices"])


class StepPublic(BaseModel):
    step: HandoverStep
    name: str
    required: bool
    done: bool
    detail: str


class Checklist(BaseModel):
    device_id: int
    complete: bool = Field(description="every required step is done: it can be handed over")
    steps: list[StepPublic]


class StepDone(StrictModel):
    step: Literal["management-removed", "wiped", "filtering-signed-off"]
    done_on: date
    confirmed_by: str = Field(
        min_length=1,
        max_length=200,
        description="who did or confirmed it; for filtering, the safeguarding lead",
    )
    method: str | None = Field(default=None, max_length=100, description="e.g. Powerwash")
    reference: str | None = Field(
        default=None,
        max_length=500,
        description="the wipe certificate's reference, or the filtering decision",
    )


class RequiredSteps(StrictModel):
    steps: list[str] = Field(description="the steps the council requires, from the five")


class ManyHandovers(StrictModel):
    device_ids: list[int] = Field(min_length=1, max_length=500)
    on: date


class HandoverOutcome(BaseModel):
    device_id: int
    done: bool
    detail: str
    missing: list[str] = []


def _checklist(session, caller, device_id: int) -> Checklist:
    states = handover.checklist(session, caller=caller, device_id=device_id)
    return Checklist(
        device_id=device_id,
        complete=all(state.done for state in states if state.required),
        steps=[StepPublic(**state.__dict__) for state in states],
    )


@router.get("/api/devices/{device_id}/handover")
def checklist(device_id: int, session: SessionDep, caller: ApiCaller) -> Checklist:
    """Each step, whether the council requires it and whether it is done."""
    return _checklist(session, caller, device_id)


@router.post("/api/devices/{device_id}/handover/steps", status_code=status.HTTP_201_CREATED)
def record_step(
    device_id: int, body: StepDone, session: SessionDep, caller: ApiCaller
) -> Checklist:
    """A step done by people: management removal confirmed, the wipe, the filtering
    decision (council officers only)."""
    handover.record_step(
        session,
        caller=caller,
        device_id=device_id,
        step=HandoverStep(body.step),
        done_on=body.done_on,
        confirmed_by=body.confirmed_by,
        method=body.method,
        reference=body.reference,
    )
    session.commit()
    return _checklist(session, caller, device_id)


@router.get("/api/handover-policy")
def required_steps(session: SessionDep, caller: ApiCaller) -> RequiredSteps:
    """The steps the caller's council requires (all five unless it chose otherwise)."""
    council = handover_checklist.council_of(session, caller.organisation_id)
    return RequiredSteps(
        steps=[step.value for step in handover_checklist.required_steps(session, council)]
    )


@router.put("/api/handover-policy")
def set_required_steps(
    body: RequiredSteps, session: SessionDep, caller: ApiCaller
) -> RequiredSteps:
    """A council officer chooses the steps; the full list is the default."""
    chosen = handover.set_required_steps(session, caller=caller, steps=body.steps)
    session.commit()
    return RequiredSteps(steps=[step.value for step in chosen])


@router.post("/api/handovers")
def hand_over_many(
    body: ManyHandovers, session: SessionDep, caller: ApiCaller
) -> list[HandoverOutcome]:
    """A short list handed over at once, each device through the same checklist, done or
    refused on its own with what is missing. For a school's whole stock, with progress,
    use POST /api/handover-batches."""
    outcomes = handover_batches.hand_over_each(
        session, caller=caller, device_ids=body.device_ids, on=body.on
    )
    session.commit()
    return [HandoverOutcome(**outcome.__dict__) for outcome in outcomes]
