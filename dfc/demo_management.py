"""Demo device management for `make run`: Chromebooks and a Windows 10 laptop (past its end
of updates, so allocating it asks for a reason), reconciled with a Google Admin export and
an Intune export written as those consoles write them, so each management report has
something in it."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from devices.imports.manager_export import import_google_admin, import_intune
from devices.models import CouncilPrices, DeviceKind
from devices.schemas import DeviceCreate
from devices.service import end_of_updates, registry
from dfc.caller import Caller

CHROMEBOOKS = ("DEMO-CB-0001", "DEMO-CB-0002", "DEMO-CB-0003")
WINDOWS_10 = "DEMO-W10-0001"


def _synced(today: date, days_ago: int) -> str:
    """A time as Google's export writes it."""
    return datetime.combine(today - timedelta(days=days_ago), time(8, 15)).strftime(
        "%Y-%m-%dT%H:%M:%S.000Z"
    )


def _checked_in(today: date, days_ago: int) -> str:
    """A time as Intune's export writes it."""
    moment = datetime.combine(today - timedelta(days=days_ago), time(9, 40))
    return moment.strftime("%Y-%m-%d %H:%M:%S.0000000")


def _google_export(today: date) -> bytes:
    rows = [
        "Serial Number,Status,Last Sync,Model,OS Version,Auto Update Expiration,"
        "Org Unit Path,Annotated User,Asset ID",
        f"DEMO-CB-0001,ACTIVE,{_synced(today, 1)},Acer Chromebook 311 (C733),"
        "131.0.6778.191,Jun 2029,/Stock,,CB-0001",
        f"DEMO-CB-0002,DEPROVISIONED,{_synced(today, 40)},Acer Chromebook 311 (C733),"
        "129.0.6668.110,Jun 2029,/Stock,,CB-0002",
        f"DEMO-CB-0003,ACTIVE,{_synced(today, 3)},Acer Chromebook 311 (C733),"
        "131.0.6778.191,Jun 2029,/Pupils,,CB-0003",
        f"5CG0DEMO99,ACTIVE,{_synced(today, 2)},HP Chromebook 11 G9 EE,"
        "131.0.6778.191,Jun 2030,/Pupils,,",
        ",PRE_PROVISIONED,,Acer Chromebook 311 (C733),,Jun 2029,/,,",
    ]
    return ("\n".join(rows) + "\n").encode()


def _intune_export(today: date) -> bytes:
    rows = [
        "Device name,Enrollment date,Last check-in,Serial number,Model,OS,OS version,"
        "Ownership,Device state,Managed by,Compliance,Primary user UPN",
        f"DEMO-LT-0001,{_checked_in(today, 140)},{_checked_in(today, 1)},DEMO0001,300e,"
        "Windows,10.0.22631.4460,Corporate,Managed,Intune,Compliant,",
        f"DEMO-LT-0002,{_checked_in(today, 140)},{_checked_in(today, 75)},DEMO0002,300e,"
        "Windows,10.0.22631.4460,Corporate,Managed,Intune,Compliant,",
        f"DEMO-W10-0001,{_checked_in(today, 400)},{_checked_in(today, 5)},{WINDOWS_10},"
        "ThinkPad L13,Windows,10.0.19045.5131,Corporate,Managed,Intune,Noncompliant,",
    ]
    return ("\n".join(rows) + "\n").encode()


def seed_management(session: Session, *, school: Organisation, today: date) -> None:
    """Managed devices for the school, and its council's two exports imported."""
    caller = Caller(
        organisation_id=school.council_id,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name="demo",
        role=Role.COUNCIL_OFFICER,
        user_id=None,
        name="demo data",
    )
    end_of_updates.reference_dates(session)
    received = today - timedelta(days=150)
    made = [(serial, DeviceKind.CHROMEBOOK, "Chromebook 311", "ChromeOS") for serial in CHROMEBOOKS]
    made.append((WINDOWS_10, DeviceKind.LAPTOP, "ThinkPad L13", "Windows 10 Pro"))
    for serial, kind, model, operating_system in made:
        registry.create_device(
            session,
            caller=caller,
            device_in=DeviceCreate(
                kind=kind,
                make="Lenovo" if kind is DeviceKind.LAPTOP else "Acer",
                model=model,
                serial_number=serial,
                operating_system=operating_system,
                holder_id=school.id,
                received_on=received,
            ),
        )
    session.flush()
    import_google_admin(
        session, caller=caller, data=_google_export(today), filename="chromeos-devices.csv"
    )
    import_intune(session, caller=caller, data=_intune_export(today), filename="intune.csv")
    # What replacing a device costs, so the demo's forecast prices the ones out of updates.
    if (
        session.exec(
            select(CouncilPrices).where(CouncilPrices.council_id == school.council_id)
        ).first()
        is None
    ):
        session.add(
            CouncilPrices(
                council_id=school.council_id,
                replacement_laptop=Decimal("350.00"),
                replacement_chromebook=Decimal("250.00"),
                replacement_tablet=Decimal("200.00"),
                updated_by="demo data",
            )
        )
