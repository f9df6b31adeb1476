"""Which action a device's status allows, and for whom it may be done once the family owns
it: one table, read by the lifecycle service (which refuses the rest with a 409) and by
the device page (which offers exactly these), so the page and the API always agree."""

from dataclasses import dataclass
from enum import StrEnum

from devices.errors import IllegalTransition
from devices.models import Device, DeviceStatus, OwnerKind

S = DeviceStatus
IN_STOCK = (S.IN_STOCK, S.RETURNED)
IN_USE = (S.ALLOCATED, S.WITH_FAMILY)


class Action(StrEnum):
    ALLOCATE = "allocated"
    COLLECT = "collected"
    RETURN = "returned"
    REPAIR = "sent to repair"
    BACK_FROM_REPAIR = "back from repair"
    REPORT_MISSING = "reported lost or stolen"
    SWAP = "swapped"
    TRANSFER_TO_FAMILY = "transferred to the family"
    RETIRE = "retired"


@dataclass(frozen=True)
class Rule:
    allowed: tuple[DeviceStatus, ...]
    # A device the family owns is theirs: the school may still repair it and record it
    # lost or stolen for them, but not take it back, swap it, give it again or retire it.
    family_owned_too: bool = False


TRANSITIONS: dict[Action, Rule] = {
    Action.ALLOCATE: Rule(IN_STOCK),
    Action.COLLECT: Rule((S.ALLOCATED,)),
    Action.RETURN: Rule(IN_USE),
    Action.REPAIR: Rule((*IN_STOCK, *IN_USE), family_owned_too=True),
    Action.BACK_FROM_REPAIR: Rule((S.IN_REPAIR,), family_owned_too=True),
    Action.REPORT_MISSING: Rule((*IN_STOCK, S.IN_REPAIR, *IN_USE), family_owned_too=True),
    Action.SWAP: Rule(IN_USE),
    Action.TRANSFER_TO_FAMILY: Rule(IN_USE),
    Action.RETIRE: Rule((*IN_STOCK, S.IN_REPAIR, S.LOST, S.STOLEN)),
}


def allows(device: Device, action: Action) -> bool:
    rule = TRANSITIONS[action]
    family_owned = device.owner_kind is OwnerKind.FAMILY
    return device.status in rule.allowed and (rule.family_owned_too or not family_owned)


def require(device: Device, action: Action) -> None:
    """Refuses (409, saying why) an action the device's status or owner does not allow."""
    rule = TRANSITIONS[action]
    if device.owner_kind is OwnerKind.FAMILY and not rule.family_owned_too:
        raise IllegalTransition(
            f"Device {device.serial_number} belongs to the family now; it cannot be {action}"
        )
    if device.status not in rule.allowed:
        names = ", ".join(status.value for status in rule.allowed)
        raise IllegalTransition(
            f"Device {device.serial_number} is {device.status.value}; it can be {action} "
            f"only when {names}"
        )


def available(device: Device) -> list[Action]:
    """Every action the device allows now, in the table's order."""
    return [action for action in TRANSITIONS if allows(device, action)]
