"""End of updates: the last day a device gets security updates. Its own date comes first
(Google's Auto Update Expiration for that very device), then its model's, then its
operating system's (a published end of support, such as Windows 10's). A device past it is
not given to a family without a reason for the override, which its history keeps."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from accounts.models import Role
from devices.errors import PastEndOfUpdates
from devices.models import Device, DeviceManagement, EndOfUpdates, UpdatesKind, UpdatesSource
from devices.service.access import actor
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Forbidden, InvalidInput, NotFound

# Microsoft's published end of support; also written by migration 0020.
REFERENCE = (
    ("Windows 7", date(2020, 1, 14)),
    ("Windows 8.1", date(2023, 1, 10)),
    ("Windows 10", date(2025, 10, 14)),
    ("Windows 10 Home", date(2025, 10, 14)),
    ("Windows 10 Pro", date(2025, 10, 14)),
    ("Windows 10 Education", date(2025, 10, 14)),
    ("Windows 10 Pro Education", date(2025, 10, 14)),
)
BASIS_DEVICE, BASIS_MODEL, BASIS_OS = "device", "model", "operating system"
_MODEL = aliased(EndOfUpdates, name="model_updates")
_OS = aliased(EndOfUpdates, name="os_updates")
ENDS_ON = func.coalesce(DeviceManagement.auto_update_expires_on, _MODEL.ends_on, _OS.ends_on)
BASIS = case(
    (DeviceManagement.auto_update_expires_on.is_not(None), BASIS_DEVICE),
    (_MODEL.ends_on.is_not(None), BASIS_MODEL),
    (_OS.ends_on.is_not(None), BASIS_OS),
    else_=None,
)


def name_key(name: str) -> str:
    """A model's or operating system's name as devices are matched with it."""
    return " ".join(name.split()).lower()


def _key(column: Any) -> Any:
    return func.lower(func.trim(column))


def with_end_of_updates(statement: Select[Any]) -> Select[Any]:
    """`statement` over Device joined to what decides its end of updates; select ENDS_ON
    and BASIS from it."""
    return (
        statement.outerjoin(DeviceManagement, DeviceManagement.device_id == Device.id)
        .outerjoin(
            _MODEL, and_(_MODEL.kind == UpdatesKind.MODEL, _MODEL.name_key == _key(Device.model))
        )
        .outerjoin(
            _OS,
            and_(
                _OS.kind == UpdatesKind.OPERATING_SYSTEM,
                _OS.name_key == _key(Device.operating_system),
            ),
        )
    )


@dataclass(frozen=True)
class DeviceUpdates:
    ends_on: date
    basis: str  # device, model or operating system

    def past(self, on: date) -> bool:
        return self.ends_on < on


def for_device(session: Session, device: Device) -> DeviceUpdates | None:
    """The device's end of updates and what it comes from, or None when nothing says."""
    statement = with_end_of_updates(select(ENDS_ON, BASIS).select_from(Device))
    found = session.execute(statement.where(Device.id == device.id)).one_or_none()
    if found is None or found[0] is None:
        return None
    return DeviceUpdates(ends_on=found[0], basis=found[1])


def require_supported(
    session: Session, device: Device, *, today: date, override: str | None
) -> DeviceUpdates | None:
    """Refuses (409) a device past its end of updates unless a reason for the override is
    given; answers the end of updates that was overridden, for the device's history."""
    updates = for_device(session, device)
    if updates is None or not updates.past(today):
        return None
    if override is None or not override.strip():
        raise PastEndOfUpdates(
            f"Device {device.serial_number} stopped getting security updates on "
            f"{updates.ends_on:%-d %B %Y} (its {updates.basis}'s end of updates). Give it to "
            "a family only with a reason for the override, or choose another device",
            field="end_of_updates_override",
        )
    return updates


def reference_dates(session: Session) -> int:
    """Adds the published end of support of operating systems not yet listed (the
    migration does this too; tests and the demo start from empty tables)."""
    keys = {name_key(name) for name, _ in REFERENCE}
    have = set(
        session.scalars(
            select(EndOfUpdates.name_key).where(
                EndOfUpdates.kind == UpdatesKind.OPERATING_SYSTEM, EndOfUpdates.name_key.in_(keys)
            )
        )
    )
    rows = [
        EndOfUpdates(
            kind=UpdatesKind.OPERATING_SYSTEM,
            name=name,
            name_key=name_key(name),
            ends_on=ends_on,
            source=UpdatesSource.REFERENCE,
            updated_by="the service",
        )
        for name, ends_on in REFERENCE
        if name_key(name) not in have
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)


def record_model_dates(session: Session, *, caller: Caller, dates: dict[str, date]) -> int:
    """Each model's end of updates as a Google export gives it (the latest of its devices'),
    never over a scheme admin's own date; answers how many were added or changed."""
    by_key = {name_key(model): (model, ends_on) for model, ends_on in dates.items()}
    if not by_key:
        return 0
    stored = {
        row.name_key: row
        for row in session.scalars(
            select(EndOfUpdates).where(
                EndOfUpdates.kind == UpdatesKind.MODEL, EndOfUpdates.name_key.in_(by_key)
            )
        )
    }
    changed = 0
    for key, (model, ends_on) in by_key.items():
        row = stored.get(key)
        if row is not None and (row.source is UpdatesSource.ADMIN or row.ends_on == ends_on):
            continue
        row = row or EndOfUpdates(kind=UpdatesKind.MODEL, name=model[:100], name_key=key[:100])
        row.ends_on, row.source = ends_on, UpdatesSource.GOOGLE_EXPORT
        row.updated_by, row.updated_at = actor(caller)[:200], utcnow()
        session.add(row)
        changed += 1
    session.flush()
    return changed


def require_scheme_admin(caller: Caller) -> None:
    if not caller.has_role(Role.SCHEME_ADMIN):
        raise Forbidden("Only scheme admins can change the end of updates of models and systems")


def set_date(
    session: Session, *, caller: Caller, kind: UpdatesKind, name: str, ends_on: date
) -> EndOfUpdates:
    """A scheme admin's date for a model or operating system; imports leave it alone."""
    require_scheme_admin(caller)
    key = name_key(name)
    if not key:
        raise InvalidInput("Enter the model or operating system's name", field="name")
    if len(key) > 100:
        raise InvalidInput("The name must be 100 characters or fewer", field="name")
    row = session.scalars(
        select(EndOfUpdates).where(EndOfUpdates.kind == kind, EndOfUpdates.name_key == key)
    ).one_or_none() or EndOfUpdates(kind=kind, name_key=key)
    row.name, row.ends_on, row.source = " ".join(name.split()), ends_on, UpdatesSource.ADMIN
    row.updated_by, row.updated_at = actor(caller)[:200], utcnow()
    session.add(row)
    session.flush()
    return row


def delete_date(session: Session, *, caller: Caller, date_id: int) -> None:
    require_scheme_admin(caller)
    row = session.get(EndOfUpdates, date_id)
    if row is None:
        raise NotFound(f"No end of updates with id {date_id}")
    session.delete(row)
    session.flush()


def listed_dates() -> Select[Any]:
    """Every model's and system's date: reference data, the same for every council."""
    return select(EndOfUpdates)
