"""A loaner for a damaged device: issued to the family while their own device is repaired
(it takes the device's place in the same allocation), then swapped back when the device
returns from repair (the loaner goes back into stock). At every step the register shows
which device is with the family."""

from datetime import date

from sqlmodel import Session

from devices.errors import IllegalTransition
from devices.models import (
    Allocation,
    Device,
    DeviceStatus,
    Dongle,
    DongleStatus,
    Incident,
    IncidentKind,
)
from devices.service import end_of_updates, events, lifecycle, transitions
from devices.service.access import require_writer
from devices.service.incidents import get_incident, require_open
from devices.service.registry import get_device
from devices.service.transitions import Action
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import Conflict, InvalidInput

FIELD = "loaner_device_id"


def _require_day(on: date, after: date) -> None:
    if on > today():
        raise InvalidInput("The date must be today or in the past", field="on")
    if on < after:
        raise InvalidInput(f"The date is before {after.isoformat()}", field="on")


def issue_loaner(
    session: Session, *, caller: Caller, incident_id: int, loaner_device_id: int, on: date
) -> Incident:
    """The loaner goes to the family in their allocation; their device goes to repair."""
    require_writer(caller)
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    require_open(incident)
    if incident.kind is not IncidentKind.DAMAGE:
        raise Conflict(
            "A lost or stolen device does not come back to swap: allocate the family "
            "another device instead"
        )
    if incident.loaner_device_id is not None and incident.loaner_returned_on is None:
        raise Conflict("A loaner is already with the family for this incident")
    _require_day(on, incident.happened_on)
    device = session.get(Device, incident.device_id)
    allocation = lifecycle.open_allocation(session, device)
    if allocation is None:
        raise Conflict(
            f"Device {device.serial_number} is not with a family: there is nobody to lend to"
        )
    if device.status in transitions.IN_USE:
        lifecycle.swap_device(
            session, caller=caller, device_id=device.id, replacement_id=loaner_device_id, on=on
        )
    else:
        _lend_while_in_repair(session, caller, device, allocation, loaner_device_id, on)
    incident.loaner_device_id, incident.loaner_issued_on = loaner_device_id, on
    incident.loaner_returned_on = None
    session.add(incident)
    session.flush()
    return incident


def _lend_while_in_repair(
    session: Session,
    caller: Caller,
    device: Device,
    allocation: Allocation,
    loaner_id: int,
    on: date,
) -> None:
    """The device went to repair already (its allocation stayed open): the loaner takes its
    place; the family keeps its dongle."""
    if device.status is not DeviceStatus.IN_REPAIR:
        raise IllegalTransition(
            f"Device {device.serial_number} is {device.status.value}; a loaner replaces it "
            "only while it is with the family or in repair"
        )
    loaner = get_device(session, caller=caller, device_id=loaner_id)
    transitions.require(loaner, Action.ALLOCATE)
    if loaner.holder_id != device.holder_id:
        raise InvalidInput("The loaner is held by another organisation", field=FIELD)
    end_of_updates.require_supported(session, loaner, today=today(), override=None)
    before = events.snapshot(loaner)
    allocation.device_id = loaner.id
    loaner.status = DeviceStatus.WITH_FAMILY if allocation.collected_on else DeviceStatus.ALLOCATED
    session.add_all([allocation, loaner])
    session.flush()
    events.record(
        session,
        device=loaner,
        caller=caller,
        action="swapped-in",
        before=before,
        on=on,
        replaced_device_id=device.id,
        allocation_id=allocation.id,
    )


def swap_back(session: Session, *, caller: Caller, incident_id: int, on: date) -> Incident:
    """The repaired device goes back to the family in the same allocation; the loaner comes
    back into stock (and the family's dongle goes with their own device again)."""
    require_writer(caller)
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    require_open(incident)
    if incident.loaner_device_id is None or incident.loaner_returned_on is not None:
        raise Conflict("No loaner is out for this incident")
    _require_day(on, incident.loaner_issued_on or incident.happened_on)
    device = session.get(Device, incident.device_id)
    loaner = session.get(Device, incident.loaner_device_id)
    # Back from its repairer: still in repair, or already put back in stock from its page.
    if device.status not in (DeviceStatus.IN_REPAIR, *transitions.IN_STOCK):
        raise IllegalTransition(
            f"Device {device.serial_number} is {device.status.value}; it can be swapped back "
            "only when back from repair (in repair or in stock)"
        )
    allocation = lifecycle.open_allocation(session, loaner)
    if allocation is None:
        raise Conflict(
            f"The loaner {loaner.serial_number} is no longer with the family "
            f"({loaner.status.value}); send their device back to them from its page instead"
        )
    device_before, loaner_before = events.snapshot(device), events.snapshot(loaner)
    allocation.device_id = device.id
    device.status, loaner.status = loaner.status, DeviceStatus.IN_STOCK
    if allocation.dongle_id is not None:
        dongle = session.get(Dongle, allocation.dongle_id)
        if dongle.paired_device_id == loaner.id:
            dongle.paired_device_id = device.id
        dongle.status = DongleStatus(device.status.value)
        session.add(dongle)
    session.add_all([allocation, device, loaner])
    session.flush()
    details = {"on": on, "allocation_id": allocation.id, "incident_id": incident.id}
    events.record(
        session,
        device=device,
        caller=caller,
        action="swapped-back",
        before=device_before,
        loaner_device_id=loaner.id,
        **details,
    )
    events.record(
        session,
        device=loaner,
        caller=caller,
        action="loaner-returned",
        before=loaner_before,
        returned_for_device_id=device.id,
        **details,
    )
    incident.loaner_returned_on = on
    session.add(incident)
    session.flush()
    return incident
