"""Many devices handed over at once (a school giving its whole stock to its families).
Each device goes through the same checklist as one handed over on its own page
(devices.service.handover.hand_over) and is handed over or refused on its own, with the
steps still missing. A batch runs in the worker, committing as it goes, so progress can be
watched, a worker that dies is replaced (the devices done stay done) and nothing is done
twice; small lists can also be handed over at once in the request (`hand_over_each`)."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert, or_, update
from sqlmodel import Session, func, select

from accounts.scoping import among_ids, scoped
from devices.models import (
    Allocation,
    BatchOutcome,
    BatchStatus,
    Device,
    Family,
    HandoverBatch,
    HandoverBatchDevice,
    OwnerKind,
)
from devices.service import handover
from devices.service.access import actor, asker_now, get_scoped, require_writer
from devices.service.handover_checklist import STEP_NAMES, StepState, checklists
from devices.service.transitions import IN_USE
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import DomainError, InvalidInput

log = logging.getLogger(__name__)
MOST_DEVICES = 5000
CHUNK = 50  # devices handed over between commits: the progress a person sees
SILENT_AFTER = timedelta(minutes=2)  # a running batch this quiet has lost its worker
WAITING_AFTER = timedelta(minutes=10)  # a queued batch no worker took: sent again
MOST_RUNS = 3


@dataclass(frozen=True)
class Outcome:
    device_id: int
    done: bool
    detail: str
    missing: list[str]


@dataclass(frozen=True)
class Candidate:
    """A device with a family, where it stands on the checklist."""

    device: Device
    pupil_reference: str
    steps: list[StepState]

    @property
    def missing(self) -> list[str]:
        return [state.name for state in self.steps if state.required and not state.done]


def hand_over_one(session: Session, *, caller: Caller, device_id: int, on: date) -> Outcome:
    """One device through the checklist in a savepoint of its own: handed over, or refused
    with what is missing, leaving the others' work in place."""
    nested = session.begin_nested()
    try:
        handover.hand_over(session, caller=caller, device_id=device_id, on=on)
    except DomainError as refused:
        nested.rollback()
        missing = [step.value for step in getattr(refused, "missing", [])]
        return Outcome(device_id, False, refused.message[:500], missing)
    nested.commit()
    return Outcome(device_id, True, "Handed over", [])


def hand_over_each(
    session: Session, *, caller: Caller, device_ids: Iterable[int], on: date
) -> list[Outcome]:
    """A short list handed over in the caller's transaction, each device on its own."""
    require_writer(caller)
    return [
        hand_over_one(session, caller=caller, device_id=device_id, on=on)
        for device_id in dict.fromkeys(device_ids)
    ]


def candidates(
    session: Session, *, caller: Caller, school_id: int | None = None, limit: int = MOST_DEVICES
) -> list[Candidate]:
    """Devices with a family that are not yet the family's, in the caller's reach, with
    their checklist: what a school picks from to hand over many at once."""
    statement = (
        scoped(select(Device, Allocation, Family.pupil_reference), caller, Device.holder_id)
        .join(Allocation, (Allocation.device_id == Device.id) & Allocation.returned_on.is_(None))
        .join(Family, Family.id == Allocation.family_id)
        .where(Device.status.in_(IN_USE), Device.owner_kind != OwnerKind.FAMILY)
        .order_by(Device.serial_number)
        .limit(limit)
    )
    if school_id is not None:
        statement = statement.where(Device.holder_id == school_id)
    rows = session.exec(statement).all()
    states = checklists(
        session,
        {device.id: allocation for device, allocation, _ in rows},
        {device.id: device.holder_id for device, _, _ in rows},
    )
    return [Candidate(device, reference, states[device.id]) for device, _, reference in rows]


def start(session: Session, *, caller: Caller, device_ids: list[int], on: date) -> HandoverBatch:
    """A batch for the worker, saved with every device waiting. Devices the caller cannot
    reach are refused before anything is saved, named, like a bad id. The caller commits
    and queues the batch."""
    require_writer(caller)
    wanted = list(dict.fromkeys(device_ids))
    if not wanted:
        raise InvalidInput("Choose at least one device to hand over", field="device_ids")
    if len(wanted) > MOST_DEVICES:
        raise InvalidInput(
            f"Hand over at most {MOST_DEVICES} devices at once; {len(wanted)} were chosen",
            field="device_ids",
        )
    reached = set(
        session.exec(
            scoped(select(Device.id), caller, Device.holder_id).where(among_ids(Device.id, wanted))
        ).all()
    )
    unknown = [device_id for device_id in wanted if device_id not in reached]
    if unknown:
        shown = ", ".join(str(device_id) for device_id in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise InvalidInput(f"No device with id {shown}{more}", field="device_ids")
    batch = HandoverBatch(
        organisation_id=caller.organisation_id,
        handed_over_on=on,
        total=len(wanted),
        created_by=actor(caller)[:200],
        created_by_user_id=caller.user_id,
        created_by_api_key_id=caller.api_key_id,
    )
    session.add(batch)
    session.flush()
    session.execute(
        insert(HandoverBatchDevice),
        [
            {"batch_id": batch.id, "device_id": device_id, "position": position, "missing": []}
            for position, device_id in enumerate(wanted)
        ],
    )
    return batch


class BatchNotQueued(DomainError):
    """The broker did not take the batch; nothing was saved, so it can be asked again."""

    status_code = 503
    code = "not-queued"


def queue(session: Session, *, caller: Caller, device_ids: list[int], on: date) -> HandoverBatch:
    """Saves the batch and sends it to the worker; commits. If the broker cannot take it,
    the batch is removed and the asker told nothing was saved."""
    from devices.tasks import run_handover_batch  # the task module imports the app's models

    batch = start(session, caller=caller, device_ids=device_ids, on=on)
    session.commit()
    try:
        run_handover_batch.delay(batch.id)
    except Exception:
        log.exception("could not send handover batch %s to the broker", batch.id)
        session.delete(batch)
        session.commit()
        raise BatchNotQueued(
            "The handover could not be queued; nothing was saved. Try again."
        ) from None
    return batch


def get_batch(session: Session, *, caller: Caller, batch_id: int) -> HandoverBatch:
    return get_scoped(
        session, caller, HandoverBatch, batch_id, HandoverBatch.organisation_id, "handover batch"
    )


def recent_batches(session: Session, *, caller: Caller, limit: int = 10) -> list[HandoverBatch]:
    statement = scoped(select(HandoverBatch), caller, HandoverBatch.organisation_id)
    return list(
        session.exec(
            statement.order_by(HandoverBatch.created_at.desc(), HandoverBatch.id.desc()).limit(
                limit
            )
        )
    )


def outcomes(session: Session, *, batch: HandoverBatch) -> list[tuple[HandoverBatchDevice, str]]:
    """Each device of the batch with its serial number: refused first (what needs doing),
    then waiting, then handed over, each in the order asked for."""
    order = {BatchOutcome.REFUSED: 0, BatchOutcome.WAITING: 1, BatchOutcome.HANDED_OVER: 2}
    rows = session.exec(
        select(HandoverBatchDevice, Device.serial_number)
        .join(Device, Device.id == HandoverBatchDevice.device_id)
        .where(HandoverBatchDevice.batch_id == batch.id)
        .order_by(HandoverBatchDevice.position)
    ).all()
    return sorted(rows, key=lambda row: order[row[0].outcome])


def step_names(values: list[str]) -> list[str]:
    names = {step.value: name for step, name in STEP_NAMES.items()}
    return [names.get(value, value) for value in values]


def _claim(session: Session, batch_id: int, now: datetime) -> bool:
    """Marks the batch running for this worker if it is queued, or running but silent with
    runs to spare; only one worker wins."""
    claimed = session.execute(
        update(HandoverBatch)
        .where(
            HandoverBatch.id == batch_id,
            or_(
                HandoverBatch.status == BatchStatus.QUEUED,
                (HandoverBatch.status == BatchStatus.RUNNING)
                & (HandoverBatch.heartbeat_at < now - SILENT_AFTER)
                & (HandoverBatch.runs < MOST_RUNS),
            ),
        )
        .values(status=BatchStatus.RUNNING, runs=HandoverBatch.runs + 1, heartbeat_at=now)
    )
    session.commit()
    return claimed.rowcount == 1


def run(session: Session, *, batch_id: int) -> HandoverBatch | None:
    """The worker's part: hands over the waiting devices a chunk at a time, committing each
    chunk with the batch's counts, with the asker's reach as it is now."""
    if not _claim(session, batch_id, utcnow()):
        return None
    batch = session.get_one(HandoverBatch, batch_id)
    caller = asker_now(
        session,
        organisation_id=batch.organisation_id,
        user_id=batch.created_by_user_id,
        api_key_id=batch.created_by_api_key_id,
    )
    while True:
        waiting = session.exec(
            select(HandoverBatchDevice)
            .where(
                HandoverBatchDevice.batch_id == batch_id,
                HandoverBatchDevice.outcome == BatchOutcome.WAITING,
            )
            .order_by(HandoverBatchDevice.position)
            .limit(CHUNK)
        ).all()
        if not waiting:
            break
        for row in waiting:
            outcome = _outcome(session, caller, row.device_id, batch.handed_over_on)
            row.outcome = BatchOutcome.HANDED_OVER if outcome.done else BatchOutcome.REFUSED
            row.detail, row.missing = outcome.detail, outcome.missing
            session.add(row)
        _count(session, batch)
        session.commit()
    _count(session, batch)
    batch.status, batch.finished_at = BatchStatus.FINISHED, utcnow()
    session.add(batch)
    session.commit()
    return batch


def _outcome(session: Session, caller: Caller | None, device_id: int, on: date) -> Outcome:
    if caller is None:
        return Outcome(device_id, False, "Whoever asked can no longer hand over devices", [])
    return hand_over_one(session, caller=caller, device_id=device_id, on=on)


def _count(session: Session, batch: HandoverBatch) -> None:
    session.flush()
    counts = dict(
        session.exec(
            select(HandoverBatchDevice.outcome, func.count())
            .where(HandoverBatchDevice.batch_id == batch.id)
            .group_by(HandoverBatchDevice.outcome)
        ).all()
    )
    batch.handed_over = counts.get(BatchOutcome.HANDED_OVER, 0)
    batch.refused = counts.get(BatchOutcome.REFUSED, 0)
    batch.heartbeat_at = utcnow()
    session.add(batch)


def to_send_again(session: Session, *, now: datetime) -> list[int]:
    """Batches to hand to the worker again: queued ones no worker took, running ones whose
    worker fell silent. Those out of runs are finished, their waiting devices refused."""
    stale = session.exec(
        select(HandoverBatch.id, HandoverBatch.runs).where(
            or_(
                (HandoverBatch.status == BatchStatus.QUEUED)
                & (HandoverBatch.created_at < now - WAITING_AFTER),
                (HandoverBatch.status == BatchStatus.RUNNING)
                & (HandoverBatch.heartbeat_at < now - SILENT_AFTER),
            )
        )
    ).all()
    again = [batch_id for batch_id, runs in stale if runs < MOST_RUNS]
    for batch_id in (batch_id for batch_id, runs in stale if runs >= MOST_RUNS):
        _give_up(session, batch_id, now)
    session.commit()
    return again


def _give_up(session: Session, batch_id: int, now: datetime) -> None:
    session.execute(
        update(HandoverBatchDevice)
        .where(
            HandoverBatchDevice.batch_id == batch_id,
            HandoverBatchDevice.outcome == BatchOutcome.WAITING,
        )
        .values(
            outcome=BatchOutcome.REFUSED,
            detail="Not tried: the worker stopped too often. Hand it over again.",
        )
    )
    batch = session.get_one(HandoverBatch, batch_id)
    _count(session, batch)
    batch.status, batch.finished_at = BatchStatus.FINISHED, now
    session.add(batch)
