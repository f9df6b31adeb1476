"""An example file for each import, offered on the imports page and shown in docs/register.md:
every column, filled in as a real file would be. The manifest's holder is the downloader's
own school URN or council LA code, so the example imports as it is; the usage example's
SIMs are the manifest example's, so it imports once that has."""

import csv
import io

from sqlalchemy import case, or_, select
from sqlmodel import Session

from accounts.models import Organisation
from accounts.scoping import visible_organisations
from devices.imports import manifest, usage
from devices.models import ImportKind
from dfc.caller import Caller

PLACEHOLDER_HOLDER = "123456"  # a school URN, for a caller who reaches no school or council
FILENAMES = {ImportKind.MANIFEST: "manifest-example.csv", ImportKind.USAGE: "usage-example.csv"}
# Made-up identifiers: serials say EXAMPLE; the phone number is the usual UK example (Ofcom's
# drama numbers, 07700 900xxx, are not valid numbers to the phone-number library).
LAPTOP_SIM, ROUTER_SIM, LONE_SIM = (
    "8944999900000000011",
    "8944999900000000029",
    "8944999900000000037",
)
MANIFEST_ROWS = [
    # a laptop with its dongle and the dongle's SIM
    {"serial_number": "EXAMPLE-LAPTOP-1", "kind": "laptop", "make": "Lenovo",
     "model": "ThinkPad E14", "asset_tag": "SCH-0001", "operating_system": "Windows 11 Pro",
     "received_on": "05/01/2026", "warranty_ends_on": "04/01/2029",
     "dongle_imei": "359999000000011", "sim_iccid": LAPTOP_SIM,
     "sim_phone_number": "07911 123456", "network_operator": "Three", "gb_per_month": "20",
     "contract_months": "12", "batch_reference": "DELIVERY-2026-01"},
    # a Chromebook on its own
    {"serial_number": "EXAMPLE-CHROMEBOOK-2", "kind": "chromebook", "make": "Acer",
     "model": "Chromebook 311", "operating_system": "ChromeOS", "received_on": "05/01/2026",
     "warranty_ends_on": "04/01/2028"},
    # a 4G router and its SIM, for no device in particular: kind, make and model are the router's
    {"kind": "router", "make": "Huawei", "model": "B535", "received_on": "05/01/2026",
     "dongle_imei": "359999000000029", "sim_iccid": ROUTER_SIM, "network_operator": "EE",
     "gb_per_month": "30", "contract_months": "24", "batch_reference": "DELIVERY-2026-01"},
    # a SIM on its own, for a family's own device (3 GB a month for 6 months when left empty)
    {"received_on": "05/01/2026", "sim_iccid": LONE_SIM, "network_operator": "Vodafone"},
]  # fmt: skip
USAGE_ROWS = [
    {"iccid": LAPTOP_SIM, "read_on": "01/02/2026", "used_mb": "512"},
    {"iccid": LAPTOP_SIM, "read_on": "15/02/2026", "used_mb": "7340"},
    {"iccid": ROUTER_SIM, "read_on": "15/02/2026", "used_gb": "12.5"},
    {"iccid": LONE_SIM, "read_on": "15/02/2026", "used_gb": "0.8"},
]


def holder_code(session: Session, caller: Caller) -> str:
    """The caller's own URN or LA code, else the first a school or council they reach has."""
    own_first = case((Organisation.id == caller.organisation_id, 0), else_=1)
    statement = (
        select(Organisation.urn, Organisation.la_code)
        .where(visible_organisations(caller))
        .where(or_(Organisation.urn.is_not(None), Organisation.la_code.is_not(None)))
        .order_by(own_first, Organisation.id)
        .limit(1)
    )
    found = session.execute(statement).first()
    return (found.urn or found.la_code) if found else PLACEHOLDER_HOLDER


def example_csv(kind: ImportKind, *, holder: str = PLACEHOLDER_HOLDER) -> bytes:
    """The example file as Excel saves "CSV UTF-8": every column, a byte-order mark, CRLF."""
    if kind == ImportKind.MANIFEST:
        columns, rows = manifest.COLUMNS, [row | {"holder": holder} for row in MANIFEST_ROWS]
    else:
        columns, rows = usage.COLUMNS, USAGE_ROWS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")
