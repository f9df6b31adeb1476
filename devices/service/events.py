"""The append-only history of each device."""

from datetime import date
from typing import Any

from sqlmodel import Session, select

from devices.models import Device, DeviceEvent
from devices.service.access import actor
from dfc.caller import Caller

TRACKED = (
    "status",
    "holder_id",
    "owner_kind",
    "owner_organisation_id",
    "owner_family_id",
    "asset_tag",
    "operating_system",
    "warranty_ends_on",
)


def snapshot(device: Device) -> dict[str, Any]:
    return {field: _plain(getattr(device, field)) for field in TRACKED}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def record(
    session: Session,
    *,
    device: Device,
    caller: Caller,
    action: str,
    before: dict[str, Any],
    after: dict[str, Any] | None = None,
    **details: Any,
) -> DeviceEvent:
    """Writes one event; `details` (ids, dates, reasons) go into `after` beside the state."""
    event = DeviceEvent(
        device_id=device.id,
        actor=actor(caller),
        action=action,
        before=before,
        after={
            **(after if after is not None else snapshot(device)),
            **{key: _plain(value) for key, value in details.items()},
        },
    )
    session.add(event)
    return event


def history(session: Session, device: Device) -> list[DeviceEvent]:
    """Everything that happened to a device the caller has already been allowed to read."""
    statement = select(DeviceEvent).where(DeviceEvent.device_id == device.id)
    return list(session.exec(statement.order_by(DeviceEvent.id)).all())
