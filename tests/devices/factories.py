"""Factories for the register's test data; each call commits new, unique rows."""

from datetime import date
from decimal import Decimal
from itertools import count

from sqlmodel import Session

from accounts.models import Organisation
from devices.models import (
    Allocation,
    CoverPeriod,
    CoverProvider,
    DataAllowance,
    Device,
    DeviceKind,
    DeviceStatus,
    Dongle,
    Family,
    HandoverPolicy,
    Licence,
    LicenceProduct,
    Sim,
)

_sequence = count(1)


def make_device(
    session: Session,
    *,
    holder: Organisation,
    status: DeviceStatus = DeviceStatus.IN_STOCK,
    received_on: date = date(2026, 1, 5),
    cover_until: date | None = date(2026, 7, 4),
    serial: str | None = None,
    kind: DeviceKind = DeviceKind.LAPTOP,
) -> Device:
    """A device with the scheme's six months of central support unless told otherwise."""
    device = Device(
        kind=kind,
        make="Dell",
        model="Latitude 3190",
        serial_number=serial or f"SN{next(_sequence):06d}",
        holder_id=holder.id,
        status=status,
        received_on=received_on,
    )
    session.add(device)
    session.flush()
    if cover_until is not None:
        session.add(
            CoverPeriod(
                device_id=device.id,
                provider=CoverProvider.NATIONAL_SCHEME,
                starts_on=received_on,
                ends_on=cover_until,
            )
        )
    session.commit()
    return device


def make_family(
    session: Session, *, school: Organisation, home_broadband: bool = True, language: str = "en"
) -> Family:
    family = Family(
        school_id=school.id,
        pupil_reference=f"P{next(_sequence):05d}",
        year_group=7,
        phone_number=f"+4479111{next(_sequence):05d}",  # each family its own number
        preferred_language=language,
        sms_consent=True,
        home_broadband=home_broadband,
    )
    session.add(family)
    session.commit()
    return family


def make_allocation(
    session: Session,
    *,
    device: Device,
    family: Family,
    on: date = date(2026, 2, 1),
    dongle: Dongle | None = None,
) -> Allocation:
    allocation = Allocation(
        device_id=device.id,
        family_id=family.id,
        school_id=family.school_id,
        allocated_on=on,
        collected_on=on,
        dongle_id=dongle.id if dongle else None,
    )
    device.status = DeviceStatus.WITH_FAMILY
    session.add_all([allocation, device])
    session.commit()
    return allocation


def make_licence(
    session: Session,
    *,
    organisation: Organisation,
    seats: int = 10,
    starts_on: date = date(2026, 1, 1),
    ends_on: date = date(2026, 12, 31),
    cost: Decimal = Decimal("12.50"),
) -> Licence:
    licence = Licence(
        organisation_id=organisation.id,
        product=LicenceProduct.OFFICE_SUITE,
        name=f"Office {next(_sequence)}",
        supplier="Supplier Ltd",
        seats=seats,
        starts_on=starts_on,
        ends_on=ends_on,
        cost_per_seat_per_year=cost,
    )
    session.add(licence)
    session.commit()
    return licence


def make_dongle_with_sim(
    session: Session,
    *,
    holder: Organisation,
    device: Device | None = None,
    contract_starts_on: date = date(2026, 1, 1),
    contract_ends_on: date = date(2026, 6, 30),
    gb_per_month: Decimal = Decimal(3),
) -> tuple[Dongle, Sim]:
    n = next(_sequence)
    dongle = Dongle(
        imei=f"35{n:013d}",
        holder_id=holder.id,
        received_on=contract_starts_on,
        paired_device_id=device.id if device else None,
    )
    session.add(dongle)
    session.flush()
    sim = Sim(
        iccid=f"8944{n:016d}",
        network_operator="Three",
        dongle_id=dongle.id,
        holder_id=holder.id,
        contract_starts_on=contract_starts_on,
        contract_ends_on=contract_ends_on,
    )
    session.add(sim)
    session.flush()
    session.add(
        DataAllowance(sim_id=sim.id, gb_per_month=gb_per_month, effective_from=contract_starts_on)
    )
    session.commit()
    return dongle, sim


def require_no_handover_steps(session: Session, council: Organisation) -> None:
    """The council hands devices over on a member of staff's word alone (no checklist), for
    tests about what a handover does rather than what it needs (tests/devices/test_handover.py)."""
    session.add(HandoverPolicy(council_id=council.id, required=""))
    session.commit()
