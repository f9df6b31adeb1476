"""A dongle paired with a device (delivered on the same manifest row, or given with it once)
goes where the device goes: allocated with it, back with it. Unpairing lets each go alone."""

from dataclasses import dataclass

from sqlalchemy import or_
from sqlmodel import Session

from devices.errors import DeviceAlreadyAllocated
from devices.models import Allocation, Device, Dongle, DongleStatus
from devices.service import events
from devices.service.access import require_writer
from devices.service.connectivity import FREE, free_dongles, get_dongle, visible_dongles
from dfc.caller import Caller
from dfc.errors import Conflict, InvalidInput, NotFound

OUT_WITH_A_FAMILY = (DongleStatus.ALLOCATED, DongleStatus.WITH_FAMILY)


@dataclass(frozen=True)
class DongleChoice:
    """What the allocate form offers: the device's own dongle(s), which go with it, or else
    the school's free dongles to choose from."""

    paired: list[Dongle]
    free: list[Dongle]


def paired_dongles(session: Session, *, caller: Caller, device_id: int) -> list[Dongle]:
    statement = visible_dongles(caller).where(Dongle.paired_device_id == device_id)
    return list(session.exec(statement.order_by(Dongle.id)).all())


def dongles_of_device(
    session: Session, *, caller: Caller, device: Device, allocation: Allocation | None
) -> list[Dongle]:
    """The dongles paired with the device and the one out with it, for its page."""
    with_it = Dongle.paired_device_id == device.id
    if allocation is not None and allocation.dongle_id is not None:
        with_it = or_(with_it, Dongle.id == allocation.dongle_id)
    statement = visible_dongles(caller).where(with_it).order_by(Dongle.id)
    return list(session.exec(statement).all())


def dongle_choice(session: Session, *, caller: Caller, device: Device) -> DongleChoice:
    paired = paired_dongles(session, caller=caller, device_id=device.id)
    if paired:
        return DongleChoice(paired=paired, free=[])
    return DongleChoice(
        paired=[], free=free_dongles(session, caller=caller, holder_id=device.holder_id)
    )


def dongle_to_go_with(
    session: Session,
    *,
    caller: Caller,
    device: Device,
    dongle_id: int | None,
    field: str = "dongle_id",
) -> Dongle | None:
    """The dongle that goes with the device to a family: its paired dongle, or the free one
    chosen (`dongle_id`) if it has none. Another dongle needs the paired one unpaired first."""
    paired = paired_dongles(session, caller=caller, device_id=device.id)
    if dongle_id is None:
        if len(paired) > 1:
            raise InvalidInput(
                f"Device {device.serial_number} is paired with dongles {_imeis(paired)}; "
                f"choose the one that goes with it",
                field=field,
            )
        dongle = paired[0] if paired else None
    else:
        try:
            dongle = get_dongle(session, caller=caller, dongle_id=dongle_id)
        except NotFound:
            raise InvalidInput(f"No dongle with id {dongle_id}", field="dongle_id") from None
    if dongle is None:
        return None
    if dongle.status not in FREE:
        hint = "; unpair it to allocate the device without it" if dongle in paired else ""
        raise DeviceAlreadyAllocated(f"Dongle {dongle.imei} is {dongle.status.value}{hint}")
    if paired and dongle not in paired:
        raise InvalidInput(
            f"Device {device.serial_number} goes with its paired dongle {_imeis(paired)}; "
            f"unpair that first to give another",
            field=field,
        )
    if dongle.paired_device_id not in (None, device.id):
        raise InvalidInput(
            f"Dongle {dongle.imei} is paired with another device; unpair it first",
            field=field,
        )
    if dongle.holder_id != device.holder_id:
        raise InvalidInput(
            f"Dongle {dongle.imei} is held by another organisation than the device",
            field=field,
        )
    return dongle


def dongle_after_swap(
    session: Session, *, caller: Caller, allocation: Allocation, replacement: Device
) -> Dongle | None:
    """The dongle with the family once `replacement` takes the allocation's place: theirs,
    now paired with the replacement, or, if they had none, the replacement's own."""
    field = "replacement_device_id"
    if allocation.dongle_id is None:
        return dongle_to_go_with(
            session, caller=caller, device=replacement, dongle_id=None, field=field
        )
    own = paired_dongles(session, caller=caller, device_id=replacement.id)
    if own:
        raise InvalidInput(
            f"Device {replacement.serial_number} is paired with dongle {_imeis(own)} and the "
            f"family has one already; unpair it first, or choose another replacement",
            field=field,
        )
    return session.get(Dongle, allocation.dongle_id)


def _imeis(dongles: list[Dongle]) -> str:
    return ", ".join(dongle.imei for dongle in dongles)


def unpairable(dongle: Dongle) -> bool:
    """A dongle out with a family stays with its device until the device comes back."""
    return dongle.paired_device_id is not None and dongle.status not in OUT_WITH_A_FAMILY


def unpair_dongle(
    session: Session, *, caller: Caller, dongle_id: int, device_id: int | None = None
) -> Dongle:
    """The dongle no longer goes with its device, so each can be allocated without the
    other. `device_id`, when given, must be the device it is paired with (a page's form may
    be out of date). The device's history records it."""
    require_writer(caller)
    dongle = get_dongle(session, caller=caller, dongle_id=dongle_id)
    if dongle.paired_device_id is None or device_id not in (None, dongle.paired_device_id):
        which = "this device" if device_id is not None else "a device"
        raise Conflict(f"Dongle {dongle.imei} is not paired with {which}")
    if dongle.status in OUT_WITH_A_FAMILY:
        raise Conflict(
            f"Dongle {dongle.imei} is with a family together with its device; "
            f"record the device's return before unpairing them"
        )
    device = session.get(Device, dongle.paired_device_id)
    dongle.paired_device_id = None
    session.add(dongle)
    before = events.snapshot(device)
    events.record(
        session,
        device=device,
        caller=caller,
        action="dongle-unpaired",
        before=before,
        dongle_id=dongle.id,
        imei=dongle.imei,
    )
    session.flush()
    return dongle
