"""Demo register for `make run`: devices, a dongle and SIM, a licence, families with
allocations and a request, added through the same service functions the API uses, so the
demo obeys every rule a real council's data does."""

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from devices.connectivity_schemas import DongleCreate, LicenceCreate, SeatAssign, SimCreate
from devices.models import DeviceKind, LicenceProduct
from devices.schemas import AllocationCreate, DeviceCreate, DeviceRequestCreate, FamilyCreate
from devices.service import connectivity, demand, families, licences, lifecycle, registry
from dfc.caller import Caller
from support.models import Category, Via
from support.tickets import open_ticket

FAMILIES = (
    ("7B-014", 7, "+447911123401", "pl", False),
    ("9A-203", 9, "+447911123402", "ar", True),
    ("5C-118", 5, "+447911123403", "so", True),
    # the families of the damaged and the stolen laptop (dfc/demo_incidents.py)
    ("8D-301", 8, "+447911123404", "ur", True),
    ("6E-077", 6, "+447911123405", "tr", True),
)
INCIDENT_FAMILIES = ("8D-301", "6E-077")


def seed_register(session: Session, *, school: Organisation, today: date) -> None:
    """A school's stock: laptops received five months ago (support ends next month), one
    with a family without broadband and a dongle, a licence, a request and a ticket."""
    caller = Caller(
        organisation_id=school.council_id,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name="demo",
        role=Role.COUNCIL_OFFICER,
        user_id=None,
        name="demo data",
    )
    received = today - timedelta(days=150)
    devices = [
        registry.create_device(
            session,
            caller=caller,
            device_in=DeviceCreate(
                kind=DeviceKind.LAPTOP,
                make="Lenovo",
                model="300e",
                serial_number=f"DEMO{n:04d}",
                holder_id=school.id,
                received_on=received,
            ),
        )
        for n in range(1, 9)
    ]
    licence = licences.create_licence(
        session,
        caller=caller,
        licence_in=LicenceCreate(
            organisation_id=school.council_id,
            product=LicenceProduct.DEVICE_MANAGEMENT,
            name="Device management",
            supplier="Demo Supplier Ltd",
            seats=10,
            starts_on=received,
            ends_on=today + timedelta(days=60),
            cost_per_seat_per_year=Decimal("14.00"),
        ),
    )
    for device in devices:
        licences.assign_seat(
            session,
            caller=caller,
            licence_id=licence.id,
            seat_in=SeatAssign(device_id=device.id, assigned_on=received),
        )
    dongle = connectivity.create_dongle(
        session,
        caller=caller,
        dongle_in=DongleCreate(imei="356938035643809", holder_id=school.id, received_on=received),
    )
    connectivity.create_sim(
        session,
        caller=caller,
        sim_in=SimCreate(
            iccid="8944110068256270054",
            network_operator="Demo Mobile",
            dongle_id=dongle.id,
            holder_id=school.id,
            contract_starts_on=received,
        ),
    )
    for (reference, year, phone, language, broadband), device in zip(
        FAMILIES, devices, strict=False
    ):
        family = families.create_family(
            session,
            caller=caller,
            family_in=FamilyCreate(
                school_id=school.id,
                pupil_reference=reference,
                year_group=year,
                phone_number=phone,
                preferred_language=language,
                sms_consent=True,
                home_broadband=broadband,
            ),
        )
        lifecycle.allocate(
            session,
            caller=caller,
            allocation_in=AllocationCreate(
                device_id=device.id,
                family_id=family.id,
                allocated_on=received + timedelta(days=7),
                dongle_id=None if broadband else dongle.id,
            ),
        )
    demand.create_request(
        session,
        caller=caller,
        request_in=DeviceRequestCreate(
            school_id=school.id,
            quantity=25,
            reason="Year 7 pupils without a device at home",
            requested_on=today - timedelta(days=20),
        ),
    )
    open_ticket(
        session,
        text="Mój laptop się nie włącza od wczoraj, proszę o pomoc",
        via=Via.SMS,
        category=Category.WILL_NOT_SWITCH_ON,
        phone="+447911123401",
    )
