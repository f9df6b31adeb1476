"""What staff can do to a device from its page, each a small form: record a collection, a
return, a repair and its end, a loss or theft, and hand ownership to the family. Which are
offered is the lifecycle service's own table (transitions), so the page offers exactly what
the API accepts."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session

from devices.models import Device
from devices.pages.labels import RETURN_REASONS
from devices.service import handover, lifecycle, transitions
from devices.service.transitions import Action as Transition
from dfc.caller import Caller

Perform = Callable[[Session, Caller, Device, date, dict[str, Any]], object]


@dataclass(frozen=True)
class Action:
    slug: str
    title: str
    button: str
    transition: Transition  # whether the device allows it is the service's table
    perform: Perform


def _text(values: dict[str, Any], name: str, problem: str, limit: int) -> str:
    text = (values.get(name) or "").strip()
    if not text or len(text) > limit:
        raise FieldProblem(name, problem)
    return text


class FieldProblem(ValueError):
    """A missing or wrong answer in an action's form, named by its field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def _return(session: Session, caller: Caller, device: Device, on: date, values: dict) -> object:
    reason = values.get("reason")
    if reason not in RETURN_REASONS:
        raise FieldProblem("reason", "Choose why the device came back")
    return lifecycle.return_device(
        session, caller=caller, device_id=device.id, on=on, reason=reason
    )


def _missing(session: Session, caller: Caller, device: Device, on: date, values: dict) -> object:
    what = values.get("what")
    if what not in ("lost", "stolen"):
        raise FieldProblem("what", "Choose whether the device was lost or stolen")
    return lifecycle.report_missing(
        session, caller=caller, device_id=device.id, on=on, stolen=what == "stolen"
    )


def _give(session: Session, caller: Caller, device: Device, on: date, values: dict) -> object:
    """Through the handover checklist: refused, naming what is missing, until it is done."""
    note = (values.get("acceptance") or "").strip() or None
    if note and len(note) > 200:
        raise FieldProblem("acceptance", "Say how the family accepted it in 200 characters or less")
    return handover.hand_over(session, caller=caller, device_id=device.id, on=on, note=note)


ACTIONS = {
    action.slug: action
    for action in (
        Action(
            "collected",
            "Record that the family collected it",
            "Record collection",
            Transition.COLLECT,
            lambda s, c, d, on, v: lifecycle.record_collection(s, caller=c, device_id=d.id, on=on),
        ),
        Action("return", "Record a return", "Record return", Transition.RETURN, _return),
        Action(
            "repair",
            "Send it for repair",
            "Send for repair",
            Transition.REPAIR,
            lambda s, c, d, on, v: lifecycle.send_to_repair(s, caller=c, device_id=d.id, on=on),
        ),
        Action(
            "repaired",
            "Record that it is back from repair",
            "Back from repair",
            Transition.BACK_FROM_REPAIR,
            lambda s, c, d, on, v: lifecycle.back_from_repair(s, caller=c, device_id=d.id, on=on),
        ),
        Action(
            "missing",
            "Report it lost or stolen",
            "Report lost or stolen",
            Transition.REPORT_MISSING,
            _missing,
        ),
        Action(
            "give-to-family",
            "Give it to the family to keep",
            "Give to family",
            Transition.TRANSFER_TO_FAMILY,
            _give,
        ),
    )
}


def available(device: Device) -> list[Action]:
    """The actions the device allows now (the service's own table), in the order a school
    meets them."""
    return [action for action in ACTIONS.values() if transitions.allows(device, action.transition)]
