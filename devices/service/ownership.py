"""Who owns a device and its dated history of transfers between organisations. Passing a
device to the family is in lifecycle.transfer_to_family, since it needs their acceptance."""

from datetime import date

from sqlmodel import Session, select

from accounts.models import OrganisationKind
from devices.errors import IllegalTransition
from devices.models import Device, OwnerKind, OwnershipTransfer
from devices.service import events
from devices.service.access import actor, reachable_organisation, require_writer
from devices.service.registry import get_device
from dfc.caller import Caller
from dfc.errors import InvalidInput

KIND_OF_ORGANISATION = {
    OrganisationKind.SCHEME: OwnerKind.SCHEME,
    OrganisationKind.COUNCIL: OwnerKind.COUNCIL,
    OrganisationKind.TRUST: OwnerKind.TRUST,
    OrganisationKind.SCHOOL: OwnerKind.SCHOOL,
}


def history(session: Session, *, caller: Caller, device_id: int) -> list[OwnershipTransfer]:
    device = get_device(session, caller=caller, device_id=device_id)
    return list(
        session.exec(
            select(OwnershipTransfer)
            .where(OwnershipTransfer.device_id == device.id)
            .order_by(OwnershipTransfer.transferred_on, OwnershipTransfer.id)
        )
    )


def transfer_to_organisation(
    session: Session, *, caller: Caller, device_id: int, organisation_id: int, on: date
) -> Device:
    """Ownership passes to the scheme, a council, a trust or a school (the caller must reach
    it). A device the family owns stays theirs."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    if device.owner_kind is OwnerKind.FAMILY:
        raise IllegalTransition(f"Device {device.serial_number} belongs to the family now")
    owner = reachable_organisation(session, caller, organisation_id, "organisation_id")
    if device.owner_organisation_id == owner.id:
        raise InvalidInput(f"{owner.name} already owns the device", field="organisation_id")
    before = events.snapshot(device)
    if owner.kind not in KIND_OF_ORGANISATION:  # a mobile network owns no devices
        raise InvalidInput(f"{owner.name} cannot own devices", field="organisation_id")
    kind = KIND_OF_ORGANISATION[owner.kind]
    session.add(
        OwnershipTransfer(
            device_id=device.id,
            from_kind=device.owner_kind,
            to_kind=kind,
            to_organisation_id=owner.id,
            transferred_on=on,
            recorded_by=actor(caller),
        )
    )
    device.owner_kind, device.owner_organisation_id = kind, owner.id
    session.add(device)
    events.record(
        session, device=device, caller=caller, action="ownership-transferred", before=before, on=on
    )
    session.flush()
    return device
