"""A device's life: allocation to a family, collection, return, repair, loss, swap,
ownership passing to the family, retirement. Each action checks the device's status and
owner against one table (transitions), and its date (not in the future, not before the
device arrived), changes it and writes an event; what is not allowed is a 409 or 422 that
says why."""

from datetime import date

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from devices.errors import DeviceAlreadyAllocated
from devices.models import (
    Allocation,
    Device,
    DeviceStatus,
    Dongle,
    DongleStatus,
    OwnerKind,
    OwnershipTransfer,
)
from devices.schemas import AllocationCreate
from devices.service import end_of_updates, events, pairing, transitions
from devices.service.access import actor, require_writer
from devices.service.families import get_family
from devices.service.loan_rules import require_loan_dates
from devices.service.registry import get_device
from devices.service.transitions import Action
from dfc.caller import Caller
from dfc.clock import today
from dfc.db import flush_or_undo
from dfc.errors import InvalidInput


def _require_date(device: Device, on: date, *, field: str = "on") -> None:
    """No action dated in the future, or before the device arrived."""
    if on > today():
        raise InvalidInput("The date must be today or in the past", field=field)
    if device.received_on and on < device.received_on:
        raise InvalidInput(
            f"The date is before the device arrived on {device.received_on.isoformat()}",
            field=field,
        )


def open_allocation(session: Session, device: Device) -> Allocation | None:
    return session.exec(
        select(Allocation).where(
            Allocation.device_id == device.id, Allocation.returned_on.is_(None)
        )
    ).one_or_none()


def allocate(session: Session, *, caller: Caller, allocation_in: AllocationCreate) -> Allocation:
    """Allocates a device to a family of the device's school, with its paired dongle (or a
    free one chosen), which then stays paired with it."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=allocation_in.device_id)
    family = get_family(session, caller=caller, family_id=allocation_in.family_id)
    if device.status in transitions.IN_USE:
        raise DeviceAlreadyAllocated(
            f"Device {device.serial_number} is already with a family; record its return first"
        )
    transitions.require(device, Action.ALLOCATE)
    _require_date(device, allocation_in.allocated_on, field="allocated_on")
    require_loan_dates(allocation_in.allocated_on, allocation_in.review_on, allocation_in.return_by)
    if device.holder_id != family.school_id:
        raise InvalidInput(
            f"Device {device.serial_number} is held by another organisation "
            f"than the family's school",
            field="device_id",
        )
    overridden = end_of_updates.require_supported(
        session, device, today=today(), override=allocation_in.end_of_updates_override
    )
    dongle = pairing.dongle_to_go_with(
        session, caller=caller, device=device, dongle_id=allocation_in.dongle_id
    )
    before = events.snapshot(device)
    allocation = Allocation(
        device_id=device.id,
        dongle_id=dongle.id if dongle else None,
        family_id=family.id,
        school_id=family.school_id,
        allocated_on=allocation_in.allocated_on,
        collected_on=allocation_in.allocated_on if allocation_in.collected else None,
        review_on=allocation_in.review_on,
        return_by=allocation_in.return_by,
    )
    session.add(allocation)
    try:  # the partial unique index says no if another request allocated it first
        flush_or_undo(session)
    except IntegrityError:
        raise DeviceAlreadyAllocated(
            f"Device {device.serial_number} or its dongle is already with a family"
        ) from None
    device.status = DeviceStatus.WITH_FAMILY if allocation_in.collected else DeviceStatus.ALLOCATED
    if dongle:
        dongle.status = DongleStatus(device.status.value)
        dongle.paired_device_id = device.id
        session.add(dongle)
    session.add(device)
    events.record(
        session,
        device=device,
        caller=caller,
        action="allocated",
        before=before,
        allocation_id=allocation.id,
        family_id=family.id,
        dongle_id=allocation.dongle_id,
        on=allocation_in.allocated_on,
        **_override_details(overridden, allocation_in.end_of_updates_override),
    )
    session.flush()
    return allocation


def _override_details(
    overridden: end_of_updates.DeviceUpdates | None, reason: str | None
) -> dict[str, object]:
    """What the history keeps of a device given out past its end of updates."""
    if overridden is None:
        return {}
    return {"end_of_updates": overridden.ends_on, "end_of_updates_override": (reason or "").strip()}


def record_collection(session: Session, *, caller: Caller, device_id: int, on: date) -> Device:
    """The family has collected an allocated device."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    transitions.require(device, Action.COLLECT)
    _require_date(device, on)
    allocation = open_allocation(session, device)
    before = events.snapshot(device)
    device.status = DeviceStatus.WITH_FAMILY
    allocation.collected_on = on
    _set_dongle_status(session, allocation, DongleStatus.WITH_FAMILY)
    session.add_all([device, allocation])
    events.record(session, device=device, caller=caller, action="collected", before=before, on=on)
    session.flush()
    return device


def _set_dongle_status(
    session: Session, allocation: Allocation | None, status: DongleStatus
) -> None:
    if allocation is not None and allocation.dongle_id is not None:
        dongle = session.get(Dongle, allocation.dongle_id)
        dongle.status = status
        session.add(dongle)


def _close_allocation(session: Session, device: Device, on: date, reason: str) -> None:
    allocation = open_allocation(session, device)
    if allocation is None:
        return
    if on < allocation.allocated_on:
        raise InvalidInput(
            f"The date is before the allocation on {allocation.allocated_on}", field="on"
        )
    allocation.returned_on = on
    allocation.return_reason = reason
    session.add(allocation)
    _set_dongle_status(
        session, allocation, DongleStatus.RETURNED if reason == "returned" else DongleStatus.LOST
    )


def return_device(
    session: Session, *, caller: Caller, device_id: int, on: date, reason: str = "returned"
) -> Device:
    """The family gave the device (and its dongle) back to the school."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    transitions.require(device, Action.RETURN)
    _require_date(device, on)
    before = events.snapshot(device)
    _close_allocation(session, device, on, "returned")
    device.status = DeviceStatus.RETURNED
    session.add(device)
    events.record(
        session,
        device=device,
        caller=caller,
        action="returned",
        before=before,
        on=on,
        reason=reason,
    )
    session.flush()
    return device


def report_missing(
    session: Session, *, caller: Caller, device_id: int, on: date, stolen: bool
) -> Device:
    """Lost or stolen: the allocation ends; the record and its history stay."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    transitions.require(device, Action.REPORT_MISSING)
    _require_date(device, on)
    before = events.snapshot(device)
    reason = "stolen" if stolen else "lost"
    _close_allocation(session, device, on, reason)
    device.status = DeviceStatus.STOLEN if stolen else DeviceStatus.LOST
    session.add(device)
    events.record(
        session, device=device, caller=caller, action=f"reported-{reason}", before=before, on=on
    )
    session.flush()
    return device


def send_to_repair(session: Session, *, caller: Caller, device_id: int, on: date) -> Device:
    """Off for repair; a family's allocation stays open so the device goes back to them."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    transitions.require(device, Action.REPAIR)
    _require_date(device, on)
    before = events.snapshot(device)
    device.status = DeviceStatus.IN_REPAIR
    session.add(device)
    events.record(
        session, device=device, caller=caller, action="sent-to-repair", before=before, on=on
    )
    session.flush()
    return device


def back_from_repair(session: Session, *, caller: Caller, device_id: int, on: date) -> Device:
    """Back to the family it was with, or into stock."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    transitions.require(device, Action.BACK_FROM_REPAIR)
    _require_date(device, on)
    before = events.snapshot(device)
    allocation = open_allocation(session, device)
    if allocation is None:
        device.status = DeviceStatus.IN_STOCK
    else:
        device.status = (
            DeviceStatus.WITH_FAMILY if allocation.collected_on else DeviceStatus.ALLOCATED
        )
    session.add(device)
    events.record(
        session, device=device, caller=caller, action="back-from-repair", before=before, on=on
    )
    session.flush()
    return device


def swap_device(
    session: Session,
    *,
    caller: Caller,
    device_id: int,
    replacement_id: int,
    on: date,
    end_of_updates_override: str | None = None,
) -> Allocation:
    """A faulty device goes to repair and a working one takes its place in the same
    allocation, so the family keeps their allocation, dongle and history."""
    require_writer(caller)
    faulty = get_device(session, caller=caller, device_id=device_id)
    transitions.require(faulty, Action.SWAP)
    _require_date(faulty, on)
    replacement = get_device(session, caller=caller, device_id=replacement_id)
    transitions.require(replacement, Action.ALLOCATE)
    if replacement.holder_id != faulty.holder_id:
        raise InvalidInput(
            "The replacement is held by another organisation", field="replacement_device_id"
        )
    overridden = end_of_updates.require_supported(
        session, replacement, today=today(), override=end_of_updates_override
    )
    allocation = open_allocation(session, faulty)
    dongle = pairing.dongle_after_swap(
        session, caller=caller, allocation=allocation, replacement=replacement
    )
    faulty_before, replacement_before = events.snapshot(faulty), events.snapshot(replacement)
    allocation.device_id = replacement.id
    replacement.status, faulty.status = faulty.status, DeviceStatus.IN_REPAIR
    if dongle is not None:
        allocation.dongle_id = dongle.id
        dongle.paired_device_id = replacement.id
        dongle.status = DongleStatus(replacement.status.value)
        session.add(dongle)
    session.add_all([allocation, faulty, replacement])
    session.flush()
    events.record(
        session,
        device=faulty,
        caller=caller,
        action="swapped-out",
        before=faulty_before,
        on=on,
        replacement_device_id=replacement.id,
        allocation_id=allocation.id,
    )
    events.record(
        session,
        device=replacement,
        caller=caller,
        action="swapped-in",
        before=replacement_before,
        on=on,
        replaced_device_id=faulty.id,
        allocation_id=allocation.id,
        **_override_details(overridden, end_of_updates_override),
    )
    session.flush()
    return allocation


def transfer_to_family(
    session: Session, *, caller: Caller, device_id: int, on: date, acceptance: str
) -> Device:
    """The device becomes the family's, recording how they accepted it. It leaves the
    council's stock figures; its support and licence history stays."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    transitions.require(device, Action.TRANSFER_TO_FAMILY)
    _require_date(device, on)
    allocation = open_allocation(session, device)
    before = events.snapshot(device)
    session.add(
        OwnershipTransfer(
            device_id=device.id,
            from_kind=device.owner_kind,
            to_kind=OwnerKind.FAMILY,
            to_family_id=allocation.family_id,
            transferred_on=on,
            accepted_on=on,
            acceptance=acceptance,
            recorded_by=actor(caller),
        )
    )
    device.owner_kind = OwnerKind.FAMILY
    device.owner_organisation_id = None
    device.owner_family_id = allocation.family_id
    device.status = DeviceStatus.WITH_FAMILY
    if allocation.collected_on is None:
        allocation.collected_on = on
    _set_dongle_status(session, allocation, DongleStatus.WITH_FAMILY)
    session.add_all([device, allocation])
    events.record(
        session,
        device=device,
        caller=caller,
        action="ownership-transferred",
        before=before,
        on=on,
        acceptance=acceptance,
    )
    session.flush()
    return device


def retire(session: Session, *, caller: Caller, device_id: int, on: date) -> Device:
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    transitions.require(device, Action.RETIRE)
    _require_date(device, on)
    before = events.snapshot(device)
    device.status = DeviceStatus.RETIRED
    session.add(device)
    events.record(session, device=device, caller=caller, action="retired", before=before, on=on)
    session.flush()
    return device
