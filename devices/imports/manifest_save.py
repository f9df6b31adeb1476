"""Saving a checked manifest set-based: one COPY (executemany on SQLite) per table for every
SAVE_ROWS rows, ids drawn beforehand, with each new device's national-scheme support and
'registered' event and each new SIM's allowance. Nothing is read back row by row."""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, TypeVar

from dateutil.relativedelta import relativedelta
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from devices.errors import DuplicateRecord
from devices.imports.bulk import insert_values, new_ids
from devices.imports.common import Progress, chunks
from devices.imports.manifest_rows import ManifestRow, NewDevice
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
from devices.service.access import actor
from devices.service.events import TRACKED
from dfc.caller import Caller
from dfc.db_types import utcnow

# key (serial, IMEI or ICCID) -> (id, holder id) of what the register already has
Known = dict[str, tuple[int, int]]
Item = TypeVar("Item")
# Rows saved together: one statement a table for each, and while the client builds a COPY's
# rows the server inserts those already sent; a few megabytes of values at a time.
SAVE_ROWS = 5000


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


@lru_cache(maxsize=4096)  # a manifest's rows share a handful of dates and terms
def _months_from(start: date, months: int) -> date:
    """The last day of `months` months from `start`, as create_device and create_sim count."""
    return start + relativedelta(months=months) - timedelta(days=1)


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


DEVICE_COLUMNS = (
    "id", "kind", "make", "model", "serial_number", "asset_tag", "operating_system", "status",
    "holder_id", "owner_kind", "owner_organisation_id", "owner_family_id", "received_on",
    "warranty_ends_on", "created_at",
)  # fmt: skip
COVER_COLUMNS = ("device_id", "provider", "provider_name", "starts_on", "ends_on")
EVENT_COLUMNS = ("device_id", "occurred_at", "actor", "action", "before", "after")
DONGLE_COLUMNS = (
    "id", "kind", "imei", "make_model", "status", "holder_id", "paired_device_id",
    "batch_reference", "received_on",
)  # fmt: skip
SIM_COLUMNS = (
    "id", "iccid", "phone_number", "network_operator", "dongle_id", "holder_id",
    "contract_starts_on", "contract_ends_on",
)  # fmt: skip
ALLOWANCE_COLUMNS = ("sim_id", "gb_per_month", "effective_from")


class _Saver:
    def __init__(
        self, session: Session, *, caller: Caller, holders: dict[str, int], existing: Existing
    ) -> None:
        self.session = session
        self.holders = holders
        self.existing = existing
        self.actor = actor(caller)
        self.now: datetime = utcnow()
        self.counts: Counter[str] = Counter()

    def _new(self, keyed: list[tuple[str, Item]], known: Known, noun: str) -> list[Item]:
        """The items `known` lacks, to be added; the rest are counted as unchanged."""
        new = [item for key, item in keyed if key not in known]
        self.counts[f"{noun}_unchanged"] += len(keyed) - len(new)
        self.counts[f"{noun}_added"] += len(new)
        return new

    def _registered(self, device: NewDevice, holder_id: int) -> dict[str, Any]:
        """What the device's 'registered' event records, as create_device records it."""
        values = {
            "status": DeviceStatus.IN_STOCK,
            "holder_id": holder_id,
            "owner_kind": OwnerKind.SCHEME,
            "owner_organisation_id": None,
            "owner_family_id": None,
            "asset_tag": device.asset_tag,
            "operating_system": device.operating_system,
            "warranty_ends_on": device.warranty_ends_on,
        }
        return {name: _plain(values[name]) for name in TRACKED}

    def devices(self, rows: Sequence[ManifestRow]) -> dict[str, int]:
        """{serial: id} of every device on `rows`, those added now and those known."""
        known = self.existing.devices
        keyed = [(r.device.serial_number, (r.device, r.holder)) for r in rows if r.device]
        new = self._new(keyed, known, "devices")
        ids = new_ids(self.session, Device, len(new))
        scheme = CoverProvider.NATIONAL_SCHEME
        insert_values(
            self.session,
            Device,
            DEVICE_COLUMNS,
            (
                (new_id, d.kind, d.make, d.model, d.serial_number, d.asset_tag,
                 d.operating_system, DeviceStatus.IN_STOCK, self.holders[holder],
                 OwnerKind.SCHEME, None, None, d.received_on, d.warranty_ends_on, self.now)
                for new_id, (d, holder) in zip(ids, new, strict=True)
            ),
        )  # fmt: skip
        insert_values(
            self.session,
            CoverPeriod,
            COVER_COLUMNS,
            (
                (new_id, scheme, None, d.received_on,
                 _months_from(d.received_on, d.central_cover_months))
                for new_id, (d, _) in zip(ids, new, strict=True)
                if d.central_cover_months
            ),
        )  # fmt: skip
        insert_values(
            self.session,
            DeviceEvent,
            EVENT_COLUMNS,
            (
                (new_id, self.now, self.actor, "registered", {},
                 self._registered(d, self.holders[holder]))
                for new_id, (d, holder) in zip(ids, new, strict=True)
            ),
        )  # fmt: skip
        added = {d.serial_number: new_id for new_id, (d, _) in zip(ids, new, strict=True)}
        return {key: known[key][0] for key, _ in keyed if key in known} | added

    def dongles(self, rows: Sequence[ManifestRow], device_ids: dict[str, int]) -> dict[str, int]:
        """{IMEI: id} of every dongle on `rows`, each paired with its row's device."""
        known = self.existing.dongles
        keyed = [(r.dongle.imei, r) for r in rows if r.dongle]
        new = self._new(keyed, known, "dongles")
        ids = new_ids(self.session, Dongle, len(new))
        insert_values(
            self.session,
            Dongle,
            DONGLE_COLUMNS,
            (
                (new_id, r.dongle.kind, r.dongle.imei, r.dongle.make_model,
                 DongleStatus.IN_STOCK, self.holders[r.holder],
                 device_ids[r.device.serial_number] if r.device else None,
                 r.dongle.batch_reference, r.dongle.received_on)
                for new_id, r in zip(ids, new, strict=True)
                if r.dongle
            ),
        )  # fmt: skip
        added = {r.dongle.imei: new_id for new_id, r in zip(ids, new, strict=True) if r.dongle}
        return {key: known[key][0] for key, _ in keyed if key in known} | added

    def sims(self, rows: Sequence[ManifestRow], dongle_ids: dict[str, int]) -> None:
        """Each new SIM, in its row's dongle, with its first allowance."""
        keyed = [(r.sim.iccid, r) for r in rows if r.sim]
        new = self._new(keyed, self.existing.sims, "sims")
        ids = new_ids(self.session, Sim, len(new))
        insert_values(
            self.session,
            Sim,
            SIM_COLUMNS,
            (
                (new_id, sim.iccid, sim.phone_number, sim.network_operator,
                 dongle_ids[r.dongle.imei] if r.dongle else None, self.holders[r.holder],
                 sim.contract_starts_on,
                 _months_from(sim.contract_starts_on, sim.contract_months))
                for new_id, r in zip(ids, new, strict=True)
                if (sim := r.sim)
            ),
        )  # fmt: skip
        insert_values(
            self.session,
            DataAllowance,
            ALLOWANCE_COLUMNS,
            (
                (new_id, sim.gb_per_month, sim.contract_starts_on)
                for new_id, r in zip(ids, new, strict=True)
                if (sim := r.sim)
            ),
        )


def save_manifest(
    session: Session,
    *,
    caller: Caller,
    rows: list[ManifestRow],
    holders: dict[str, int],
    existing: Existing,
    progress: Progress,
) -> ManifestSummary:
    """Adds what `existing` lacks, SAVE_ROWS rows at a time; DuplicateRecord if another
    import added some of the same items meanwhile (then nothing is kept)."""
    saver = _Saver(session, caller=caller, holders=holders, existing=existing)
    try:
        for batch in chunks(rows, SAVE_ROWS):
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
