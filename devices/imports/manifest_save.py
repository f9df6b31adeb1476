"""Saving a checked manifest set-based: a bulk insert per table per thousand rows, with each
new device's national-scheme support and 'registered' event and each new SIM's allowance."""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from devices.errors import DuplicateRecord
from devices.imports.bulk import insert_rows, insert_rows_with_ids
from devices.imports.common import Progress, chunks
from devices.models import (
    CoverPeriod,
    CoverProvider,
    DataAllowance,
    Device,
    DeviceEvent,
    DeviceStatus,
    Dongle,
    DongleStatus,
    OwnerKind,
    Sim,
)
from devices.schemas import DeviceCreate, DongleCreate, SimCreate
from devices.service.access import actor
from devices.service.events import TRACKED
from dfc.caller import Caller
from dfc.db_types import utcnow

# key (serial, IMEI or ICCID) -> (id, holder id) of what the register already has
Known = dict[str, tuple[int, int]]


@dataclass(frozen=True)
class ManifestSummary:
    devices_added: int = 0
    devices_unchanged: int = 0
    dongles_added: int = 0
    dongles_unchanged: int = 0
    sims_added: int = 0
    sims_unchanged: int = 0


@dataclass(frozen=True)
class Existing:
    devices: Known
    dongles: Known
    sims: Known


@dataclass(slots=True)
class ManifestRow:
    """One checked row; `holder_id` is filled in once the holder's code is resolved."""

    row: int
    holder: str
    device: DeviceCreate | None
    dongle: DongleCreate | None
    sim: SimCreate | None
    holder_id: int = 0


@lru_cache(maxsize=4096)  # a manifest's rows share a handful of dates and terms
def _months_from(start: date, months: int) -> date:
    """The last day of `months` months from `start`, as create_device and create_sim count."""
    return start + relativedelta(months=months) - timedelta(days=1)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


class _Saver:
    def __init__(self, session: Session, *, caller: Caller, existing: Existing) -> None:
        self.session = session
        self.existing = existing
        self.actor = actor(caller)
        self.now: datetime = utcnow()
        self.counts: Counter[str] = Counter()

    def _split(self, items: list[tuple[str, Any]], known: Known, noun: str) -> dict[str, int]:
        """{key: id} of the known items, counted as unchanged; the rest are to be added."""
        ids = {key: known[key][0] for key, _ in items if key in known}
        self.counts[f"{noun}_unchanged"] += len(ids)
        self.counts[f"{noun}_added"] += len(items) - len(ids)
        return ids

    def devices(self, rows: list[ManifestRow]) -> dict[str, int]:
        items = [(r.device.serial_number, r) for r in rows if r.device]
        ids = self._split(items, self.existing.devices, "devices")
        new = [
            r.device.model_dump(exclude={"central_cover_months"})
            | {
                "holder_id": r.holder_id,
                "status": DeviceStatus.IN_STOCK,
                "owner_kind": OwnerKind.SCHEME,
                "owner_organisation_id": None,
                "owner_family_id": None,
                "created_at": self.now,
            }
            for key, r in items
            if key not in ids
        ]
        added = insert_rows_with_ids(self.session, Device, new, key="serial_number")
        months = {r.device.serial_number: r.device.central_cover_months for _, r in items}
        periods = [
            {
                "device_id": added[values["serial_number"]],
                "provider": CoverProvider.NATIONAL_SCHEME,
                "provider_name": None,
                "starts_on": values["received_on"],
                "ends_on": _months_from(values["received_on"], months[values["serial_number"]]),
            }
            for values in new
            if months[values["serial_number"]]
        ]
        events = [
            {
                "device_id": added[values["serial_number"]],
                "occurred_at": self.now,
                "actor": self.actor,
                "action": "registered",
                "before": {},
                "after": {name: _plain(values[name]) for name in TRACKED},
            }
            for values in new
        ]
        insert_rows(self.session, CoverPeriod, periods)
        insert_rows(self.session, DeviceEvent, events)
        return ids | added

    def dongles(self, rows: list[ManifestRow], device_ids: dict[str, int]) -> dict[str, int]:
        items = [(r.dongle.imei, r) for r in rows if r.dongle]
        ids = self._split(items, self.existing.dongles, "dongles")
        new = [
            r.dongle.model_dump()
            | {
                "holder_id": r.holder_id,
                "status": DongleStatus.IN_STOCK,
                "paired_device_id": device_ids[r.device.serial_number] if r.device else None,
            }
            for key, r in items
            if key not in ids
        ]
        return ids | insert_rows_with_ids(self.session, Dongle, new, key="imei")

    def sims(self, rows: list[ManifestRow], dongle_ids: dict[str, int]) -> None:
        items = [(r.sim.iccid, r) for r in rows if r.sim]
        ids = self._split(items, self.existing.sims, "sims")
        new = [(r.sim, r) for key, r in items if key not in ids]
        added = insert_rows_with_ids(
            self.session,
            Sim,
            [
                {
                    "iccid": sim.iccid,
                    "phone_number": sim.phone_number,
                    "network_operator": sim.network_operator,
                    "dongle_id": dongle_ids[r.dongle.imei] if r.dongle else None,
                    "holder_id": r.holder_id,
                    "contract_starts_on": sim.contract_starts_on,
                    "contract_ends_on": _months_from(sim.contract_starts_on, sim.contract_months),
                }
                for sim, r in new
            ],
            key="iccid",
        )
        allowances = [
            {
                "sim_id": added[sim.iccid],
                "gb_per_month": sim.gb_per_month,
                "effective_from": sim.contract_starts_on,
            }
            for sim, _ in new
        ]
        insert_rows(self.session, DataAllowance, allowances)


def save_manifest(
    session: Session,
    *,
    caller: Caller,
    rows: list[ManifestRow],
    existing: Existing,
    progress: Progress,
) -> ManifestSummary:
    """Adds what `existing` lacks, a thousand rows at a time; DuplicateRecord if another
    import added some of the same items meanwhile (then nothing is kept)."""
    saver = _Saver(session, caller=caller, existing=existing)
    try:
        for chunk in chunks(rows):
            batch = list(chunk)
            device_ids = saver.devices(batch)
            dongle_ids = saver.dongles(batch, device_ids)
            saver.sims(batch, dongle_ids)
            progress.advance(len(batch))
    except IntegrityError:
        raise DuplicateRecord(
            "Another import added some of these items at the same time; nothing from this "
            "file was saved. Import it again."
        ) from None
    return ManifestSummary(**saver.counts)
