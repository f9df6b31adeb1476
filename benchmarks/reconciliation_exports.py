"""Realistic manager exports for the reconciliation benchmark: a Google Admin ChromeOS device
list and an Intune device export, with the consoles' own column names (as in
tests/devices/data/), their own date formats and the odd rows real exports have: serial
numbers the register does not hold, blank ones, devices listed twice (enrolled again) and
serial numbers in lower case or with spaces around them."""

import csv
import io
import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Connection, text

GOOGLE_HEADER = (
    "Serial Number", "Status", "Last Sync", "Model", "OS Version", "Platform Version",
    "Auto Update Expiration", "Org Unit Path", "Annotated User", "Asset ID", "Location",
    "Notes", "Enrollment Time", "Device ID", "MAC Address",
)  # fmt: skip
INTUNE_HEADER = (
    "Device ID", "Device name", "Enrollment date", "Last check-in", "Azure AD Device ID",
    "OS version", "Azure AD registered", "Serial number", "Manufacturer", "Model", "IMEI",
    "Compliance grace period expiration", "Security patch level", "Wi-Fi MAC",
    "Total storage", "Free storage", "Management name", "Category", "Primary user UPN",
    "Primary user email address", "Primary user display name", "OS", "Ownership",
    "Device state", "Intune registered", "Supervised", "Encrypted", "Managed by", "Compliance",
)  # fmt: skip
GOOGLE_STATES = (("ACTIVE", 85), ("INACTIVE", 5), ("DEPROVISIONED", 6), ("DISABLED", 3))
GOOGLE_STATES += (("RETURN_REQUESTED", 1),)
INTUNE_STATES = (("Managed", 93), ("Retire pending", 3), ("Wipe pending", 1))
INTUNE_STATES += (("Retire failed", 1), ("Delete pending", 2))
EXPIRY = {  # Auto Update Expiration as the console writes it
    "100e Chromebook Gen 3": "Jun 2029",
    "Chromebook 311": "Jun 2027",
    "Chromebook 11 G8 EE": "Jan 2027",
    "Chromebook 3100": "Jun 2026",
}

# The largest councils' devices of one kind, whole councils at a time, up to `rows`.
_DEVICES = """
WITH per AS (
    SELECT coalesce(o.council_id, o.id) AS council, count(*) AS n
    FROM device d JOIN organisation o ON o.id = d.holder_id
    WHERE d.kind = :kind GROUP BY 1
), chosen AS (
    SELECT council FROM (
        SELECT council, sum(n) OVER (ORDER BY n DESC, council) - n AS before FROM per
    ) ranked WHERE before < :rows
)
SELECT d.serial_number, d.model, d.make FROM device d
JOIN organisation o ON o.id = d.holder_id
WHERE d.kind = :kind AND coalesce(o.council_id, o.id) IN (SELECT council FROM chosen)
ORDER BY d.id LIMIT :rows
"""


@dataclass(frozen=True)
class Export:
    """One export file and what it holds."""

    manager: str
    filename: str
    data: bytes
    rows: int
    matched: int
    unmatched: int
    blank: int
    duplicates: int
    councils: int

    def describe(self) -> str:
        return (
            f"{self.matched:,} in the register ({self.councils} councils), {self.unmatched:,}"
            f" not, {self.blank:,} blank, {self.duplicates:,} listed twice"
        )


def _pick(draw: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return draw.choices([w for w, _ in weighted], [n for _, n in weighted])[0]


def _moment(draw: random.Random, today: date, *, old: bool) -> datetime:
    """A check-in within 120 days, or for a device's older record 121 to 400 days ago."""
    day = today - timedelta(days=draw.randrange(121, 400) if old else draw.randrange(120))
    return datetime.combine(day, time(7), tzinfo=UTC) + timedelta(seconds=draw.randrange(50_000))


def _google_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _intune_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S.0000000")


def _serial_as_written(draw: random.Random, serial: str) -> str:
    """One serial in fifty as people type them into a console: lower case, spaces around."""
    return f" {serial.lower()} " if draw.random() < 0.02 else serial


def _google_row(draw: random.Random, i: int, serial: str, model: str, today: date, old: bool):
    moment = _moment(draw, today, old=old)
    status = "ACTIVE" if old else _pick(draw, GOOGLE_STATES)
    school = f"School {i % 900:03d}"
    return [
        serial, status, _google_time(moment), model, "131.0.6778.191", "16063.68.0",
        EXPIRY.get(model, "Jun 2030"), f"/Pupils/{school}",
        f"pupil.{i:06d}@school{i % 900:03d}.sch.uk" if draw.random() < 0.7 else "",
        f"AST-{i:07d}", school, "", _google_time(moment - timedelta(days=300)),
        f"{draw.getrandbits(128):032x}", f"a4:34:d9:{i % 256:02x}:{i // 256 % 256:02x}:01",
    ]  # fmt: skip


def _intune_row(draw: random.Random, i: int, serial: str, model: str, make: str, today: date,
                old: bool):  # fmt: skip
    moment = _moment(draw, today, old=old)
    user = f"pupil.{i:06d}@school{i % 900:03d}.sch.uk" if draw.random() < 0.8 else ""
    return [
        f"{draw.getrandbits(128):032x}", f"LT-{i:07d}", _intune_time(moment - timedelta(300)),
        _intune_time(moment), f"{draw.getrandbits(128):032x}", "10.0.22631.4460", "True",
        serial, make.upper(), model, "", "", "", "3C:6A:A7:11:22:33", "238", "121",
        f"LT-{i:07d}_Windows", "Pupils", user, user, "", "Windows",
        "Corporate" if draw.random() < 0.97 else "Personal",
        "Managed" if old else _pick(draw, INTUNE_STATES), "True", "False", "True", "Intune",
        "Compliant" if draw.random() < 0.9 else "Noncompliant",
    ]  # fmt: skip


def build_export(connection: Connection, *, manager: str, rows: int, today: date) -> Export:
    """A `rows`-row export: 92% devices of the largest councils (Chromebooks for Google,
    laptops for Intune), 5% serials the register does not hold, 1% blank, 2% repeats of a
    device with an older check-in; in a shuffled order, as a console lists them."""
    kind = "chromebook" if manager == "google-admin" else "laptop"
    blank, duplicates, unmatched = rows // 100, rows // 50, rows // 20
    wanted = rows - blank - duplicates - unmatched
    found = connection.execute(text(_DEVICES), {"kind": kind, "rows": wanted}).all()
    councils = len(
        connection.execute(
            text(
                "SELECT DISTINCT coalesce(o.council_id, o.id) FROM device d"
                " JOIN organisation o ON o.id = d.holder_id WHERE d.serial_number = ANY(:s)"
            ),
            {"s": [serial for serial, _, _ in found]},
        ).all()
    )
    draw = random.Random(17)
    entries = [(serial, model, make, False) for serial, model, make in found]
    entries += [(f"NOTREG{i:08d}", found[i % len(found)][1], "Acer", False)
                for i in range(unmatched)]  # fmt: skip
    entries += [("", found[i % len(found)][1], "Acer", False) for i in range(blank)]
    entries += [(*found[draw.randrange(len(found))], True) for _ in range(duplicates)]
    draw.shuffle(entries)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(GOOGLE_HEADER if manager == "google-admin" else INTUNE_HEADER)
    for i, (serial, model, make, old) in enumerate(entries):
        written = _serial_as_written(draw, serial)
        if manager == "google-admin":
            writer.writerow(_google_row(draw, i, written, model, today, old))
        else:
            writer.writerow(_intune_row(draw, i, written, model, make, today, old))
    name = "chromeos-devices.csv" if manager == "google-admin" else "DevicesWithInventory.csv"
    return Export(
        manager=manager,
        filename=name,
        data=out.getvalue().encode(),
        rows=len(entries),
        matched=len(found),
        unmatched=unmatched,
        blank=blank,
        duplicates=duplicates,
        councils=councils,
    )
