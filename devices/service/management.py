"""A device's management as the register knows it: the manager's last report (or what a
member of staff recorded for a manager without an export), its end of updates, and the
history of its changes, which are device events like every other change."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from devices.models import Device, DeviceEvent, DeviceManagement
from devices.models.management import EnrolmentState, Manager
from devices.service import end_of_updates, events
from devices.service.access import require_writer
from devices.service.registry import get_device
from dfc import clock
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import InvalidInput

MANAGEMENT_CHANGED = "management-changed"


@dataclass(frozen=True)
class ManagementView:
    """What the device's page and the API show of its management."""

    device: Device
    record: DeviceManagement | None
    updates: end_of_updates.DeviceUpdates | None
    past_end_of_updates: bool
    history: list[DeviceEvent]


def record_of(session: Session, device: Device) -> DeviceManagement | None:
    statement = select(DeviceManagement).where(DeviceManagement.device_id == device.id)
    return session.exec(statement).one_or_none()


def changes_of(session: Session, device: Device) -> list[DeviceEvent]:
    statement = select(DeviceEvent).where(
        DeviceEvent.device_id == device.id, DeviceEvent.action == MANAGEMENT_CHANGED
    )
    return list(session.exec(statement.order_by(DeviceEvent.id)).all())


def view(session: Session, device: Device) -> ManagementView:
    """The management of a device the caller has already been allowed to read."""
    updates = end_of_updates.for_device(session, device)
    return ManagementView(
        device=device,
        record=record_of(session, device),
        updates=updates,
        past_end_of_updates=bool(updates and updates.past(clock.today())),
        history=changes_of(session, device),
    )


def device_management(session: Session, *, caller: Caller, device_id: int) -> ManagementView:
    return view(session, get_device(session, caller=caller, device_id=device_id))


def record_by_hand(
    session: Session,
    *,
    caller: Caller,
    device_id: int,
    manager: Manager,
    state: EnrolmentState,
    last_check_in_at: datetime | None = None,
) -> ManagementView:
    """For a manager without an export we read (another MDM), or none: staff say which, and
    in what state; the change is a device event like an import's."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    if manager is Manager.NONE and state is not EnrolmentState.NOT_MANAGED:
        raise InvalidInput("A device with no manager is not managed", field="state")
    if last_check_in_at and last_check_in_at > utcnow():
        raise InvalidInput("The last check-in cannot be in the future", field="last_check_in_at")
    record = record_of(session, device) or DeviceManagement(
        device_id=device.id, manager=manager, state=state
    )
    before = {"manager": record.manager.value, "state": record.state.value} if record.id else {}
    record.manager, record.state, record.updated_at = manager, state, utcnow()
    record.manager_status = None
    if last_check_in_at is not None:
        record.last_check_in_at = last_check_in_at
    session.add(record)
    after = {"manager": manager.value, "state": state.value}
    if before != after:
        events.record(
            session,
            device=device,
            caller=caller,
            action=MANAGEMENT_CHANGED,
            before=before,
            after=after | {"source": "recorded by staff"},
        )
    session.flush()
    return view(session, device)
