"""Many devices handed over by the worker, with progress (devices.service.handover_batches):
ask with the devices and the day, then read the batch until it has finished."""

from datetime import date, datetime

from fastapi import APIRouter, status
from pydantic import BaseModel, Field

from accounts.deps import ApiCaller, SessionDep
from accounts.schemas import StrictModel
from devices.models import BatchOutcome, BatchStatus, HandoverBatch
from devices.service import handover_batches

router = APIRouter(tags=["devices"])


class BatchAsked(StrictModel):
    device_ids: list[int] = Field(min_length=1, max_length=handover_batches.MOST_DEVICES)
    on: date = Field(description="the day the devices become the families'")


class DeviceOutcome(BaseModel):
    device_id: int
    serial_number: str
    outcome: BatchOutcome
    detail: str
    missing: list[str] = Field(description="the checklist steps still to do, if refused")


class BatchPublic(BaseModel):
    id: int
    status: BatchStatus
    on: date
    total: int
    handed_over: int
    refused: int
    waiting: int
    asked_by: str
    asked_at: datetime
    finished_at: datetime | None
    devices: list[DeviceOutcome] | None = Field(
        default=None, description="each device's outcome, refused first"
    )


def _public(batch: HandoverBatch, devices: list[DeviceOutcome] | None = None) -> BatchPublic:
    return BatchPublic(
        id=batch.id,
        status=batch.status,
        on=batch.handed_over_on,
        total=batch.total,
        handed_over=batch.handed_over,
        refused=batch.refused,
        waiting=batch.total - batch.done,
        asked_by=batch.created_by,
        asked_at=batch.created_at,
        finished_at=batch.finished_at,
        devices=devices,
    )


@router.post("/api/handover-batches", status_code=status.HTTP_202_ACCEPTED)
def ask(body: BatchAsked, session: SessionDep, caller: ApiCaller) -> BatchPublic:
    """Queues many devices (a school's whole stock) to be handed over by the worker; each
    goes through the checklist on its own. Read the batch for progress and outcomes."""
    batch = handover_batches.queue(session, caller=caller, device_ids=body.device_ids, on=body.on)
    return _public(batch)


@router.get("/api/handover-batches/{batch_id}")
def read(batch_id: int, session: SessionDep, caller: ApiCaller) -> BatchPublic:
    """How far the batch has got, and each device's outcome so far."""
    batch = handover_batches.get_batch(session, caller=caller, batch_id=batch_id)
    rows = handover_batches.outcomes(session, batch=batch)
    return _public(
        batch,
        [
            DeviceOutcome(
                device_id=row.device_id,
                serial_number=serial,
                outcome=row.outcome,
                detail=row.detail,
                missing=row.missing,
            )
            for row, serial in rows
        ],
    )
