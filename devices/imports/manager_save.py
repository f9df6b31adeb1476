"""Saving a checked manager export in set-based statements: management records added or
changed (one device event for each change of manager or state), the rows no reachable
device matches listed for the importer's organisation, and Google's Auto Update Expiration
kept as its model's end of updates."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from accounts.scoping import scoped
from devices.errors import DuplicateRecord
from devices.imports.bulk import Rows, insert_rows, update_rows
from devices.imports.common import Progress, chunks, key_in
from devices.models import Device, DeviceEvent, DeviceManagement, UnmatchedManagedDevice
from devices.models.management import Manager
from devices.service import end_of_updates
from devices.service.access import actor
from devices.service.management import MANAGEMENT_CHANGED
from dfc.caller import Caller
from dfc.db_types import utcnow

SAVE_CHUNK = 20_000  # rows a statement: few statements, yet progress as they are saved

if TYPE_CHECKING:
    from devices.imports.manager_export import ExportRow
    from devices.imports.manager_formats import ExportFormat

# Columns a row of the export sets; any of them changing updates the record.
RECORDED = (
    "manager",
    "state",
    "manager_status",
    "last_check_in_at",
    "enrolled_on",
    "primary_user",
    "reported_model",
    "os_version",
    "org_unit",
    "asset_id",
    "ownership",
    "compliance",
    "auto_update_expires_on",
)


@dataclass(frozen=True)
class ManagerSummary:
    """What an export changed: management records added, updated or left as they were;
    rows no device you reach matches (listed under the managers' reports); rows without a
    serial number; rows repeating a serial number (the one that checked in last is kept);
    models whose end of updates the export set."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unmatched: int = 0
    without_serial: int = 0
    duplicate_rows: int = 0
    model_dates: int = 0


def _devices(session: Session, caller: Caller, serials: set[str]) -> dict[str, tuple[int, str]]:
    """serial -> (device id, model) for the devices the caller reaches."""
    found: dict[str, tuple[int, str]] = {}
    for matches in key_in(session, Device.serial_number, serials):
        statement = scoped(
            select(Device.serial_number, Device.id, Device.model), caller, Device.holder_id
        )
        found.update({s: (i, m) for s, i, m in session.execute(statement.where(matches))})
    return found


def _stored(session: Session, device_ids: set[int]) -> dict[int, dict[str, Any]]:
    columns = [DeviceManagement.id, DeviceManagement.device_id] + [
        getattr(DeviceManagement, name) for name in RECORDED
    ]
    stored: dict[int, dict[str, Any]] = {}
    for matches in key_in(session, DeviceManagement.device_id, device_ids):
        for row in session.execute(select(*columns).where(matches)):
            stored[row.device_id] = dict(row._mapping)
    return stored


def _values(row: "ExportRow", manager: Manager) -> dict[str, Any]:
    text = row.text
    os_version = " ".join(v for v in (text["operating_system"], text["os_version"]) if v)
    return {
        "manager": manager,
        "state": row.state,
        "manager_status": row.manager_status,
        "last_check_in_at": row.last_check_in_at,
        "enrolled_on": row.enrolled_on,
        "primary_user": text["primary_user"],
        "reported_model": text["model"],
        "os_version": os_version[:100] or None,
        "org_unit": text["org_unit"],
        "asset_id": text["asset_id"],
        "ownership": text["ownership"],
        "compliance": text["compliance"],
        "auto_update_expires_on": row.auto_update_expires_on,
    }


def _event(device_id: int, who: str, before: dict[str, Any], values: dict[str, Any], source: str):
    after = {"manager": values["manager"].value, "state": values["state"].value}
    return {
        "device_id": device_id,
        "occurred_at": utcnow(),
        "actor": who,
        "action": MANAGEMENT_CHANGED,
        "before": before,
        "after": after | {"manager_status": values["manager_status"], "source": source},
    }


def _replace_unmatched(
    session: Session, caller: Caller, export: "ExportFormat", rows: Iterable["ExportRow"]
) -> int:
    """The organisation's list for this manager becomes exactly the export's unmatched rows."""
    session.execute(
        delete(UnmatchedManagedDevice).where(
            UnmatchedManagedDevice.organisation_id == caller.organisation_id,
            UnmatchedManagedDevice.manager == export.manager,
        )
    )
    now = utcnow()
    listed = [
        {
            "organisation_id": caller.organisation_id,
            "manager": export.manager,
            "serial_number": row.serial,
            "row": row.row,
            "state": row.state,
            "manager_status": row.manager_status,
            "reported_model": row.text["model"],
            "last_check_in_at": row.last_check_in_at,
            "seen_at": now,
        }
        for row in rows
    ]
    insert_rows(session, UnmatchedManagedDevice, listed)
    return len(listed)


def _compare(
    rows: Sequence["ExportRow"],
    devices: dict[str, tuple[int, str]],
    stored: dict[int, dict[str, Any]],
    *,
    export: "ExportFormat",
    who: str,
    now: datetime,
) -> tuple[Rows, Rows, Rows, int]:
    """The management records to add and to change, the events for each change of manager or
    state, and how many rows change nothing: in memory, without a statement."""
    new, changed, events, unchanged = [], [], [], 0
    for row in rows:
        device_id, _model = devices[row.serial]
        values = _values(row, export.manager)
        before = stored.get(device_id)
        if before is None:
            new.append({"device_id": device_id, "updated_at": now, **values})
            events.append(_event(device_id, who, {}, values, export.name))
        elif any(before[name] != values[name] for name in RECORDED):
            changed.append({"id": before["id"], "updated_at": now, **values})
            if (before["manager"], before["state"]) != (values["manager"], values["state"]):
                was = {"manager": before["manager"].value, "state": before["state"].value}
                events.append(_event(device_id, who, was, values, export.name))
        else:
            unchanged += 1
    return new, changed, events, unchanged


def _model_dates(
    rows: Iterable["ExportRow"], devices: dict[str, tuple[int, str]], export: "ExportFormat"
) -> dict[str, date]:
    """Each register model's latest Auto Update Expiration in a Google export."""
    model_dates: dict[str, date] = {}
    if export.manager is not Manager.GOOGLE_ADMIN:
        return model_dates
    for row in rows:
        if row.auto_update_expires_on and row.serial in devices:
            model = devices[row.serial][1]
            model_dates[model] = max(model_dates.get(model, date.min), row.auto_update_expires_on)
    return model_dates


def save_rows(
    session: Session,
    *,
    caller: Caller,
    export: "ExportFormat",
    rows: list["ExportRow"],
    counts: dict[str, int],
    progress: Progress,
    skipped: int,
) -> ManagerSummary:
    """Saves in a few statements whatever the number of rows: one look-up of every serial
    number, one of the stored records, then for each SAVE_CHUNK rows one COPY of the new
    records, one UPDATE of the changed and one COPY of their events."""
    devices = _devices(session, caller, {row.serial for row in rows})
    stored = _stored(session, {device_id for device_id, _ in devices.values()})
    who, now = actor(caller)[:200], utcnow()
    matched = [row for row in rows if row.serial in devices]
    added = updated = unchanged = 0
    try:
        for chunk in chunks(matched, SAVE_CHUNK):
            new, changed, events, same = _compare(
                chunk, devices, stored, export=export, who=who, now=now
            )
            insert_rows(session, DeviceManagement, new)
            update_rows(session, DeviceManagement, changed)
            insert_rows(session, DeviceEvent, events)
            added, updated, unchanged = added + len(new), updated + len(changed), unchanged + same
            progress.advance(len(chunk))
        unmatched = _replace_unmatched(
            session, caller, export, (row for row in rows if row.serial not in devices)
        )
    except IntegrityError:
        raise DuplicateRecord(
            "Another import changed some of these devices at the same time; nothing from "
            "this file was saved. Import it again."
        ) from None
    set_dates = end_of_updates.record_model_dates(
        session, caller=caller, dates=_model_dates(matched, devices, export)
    )
    progress.advance(unmatched + skipped)
    return ManagerSummary(
        added=added,
        updated=updated,
        unchanged=unchanged,
        unmatched=unmatched,
        model_dates=set_dates,
        **counts,
    )
