"""One register made for the open data tests: two councils, their schools, devices, dongles,
licences, tickets and requests, with September 2026 as the month published. Every figure
the tests expect follows from what is made here."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import count

from sqlmodel import Session

from accounts.models import Organisation
from devices.models import (
    CoverPeriod,
    CoverProvider,
    DataUsage,
    Device,
    DeviceKind,
    DeviceRequest,
    DeviceStatus,
    Family,
    LicenceSeat,
    OwnerKind,
    RequestStatus,
)
from reporting.open_data.period import Period
from support.models import Category
from tests.devices.factories import make_dongle_with_sim, make_licence
from tests.factories import make_council, make_school
from tests.support.test_reports import make_ticket

MONTH = Period(date(2026, 9, 1))
PUPIL_REFERENCE = "PUPIL-SECRET-77"
PHONE = "+447700900123"
_serials = count(1)


@dataclass
class Register:
    camden: Organisation
    hackney: Organisation
    alpha: Organisation
    beta: Organisation
    gamma: Organisation
    delta: Organisation


def add_devices(
    session: Session,
    holder: Organisation,
    number: int,
    *,
    status: DeviceStatus = DeviceStatus.IN_STOCK,
    kind: DeviceKind = DeviceKind.LAPTOP,
    received_on: date = date(2026, 3, 1),
    cover_until: date | None = None,
    owner_kind: OwnerKind = OwnerKind.SCHEME,
) -> list[Device]:
    devices = [
        Device(
            kind=kind,
            make="Dell",
            model="Latitude",
            serial_number=f"OD{next(_serials):07d}",
            holder_id=holder.id,
            status=status,
            received_on=received_on,
            owner_kind=owner_kind,
        )
        for _ in range(number)
    ]
    session.add_all(devices)
    session.flush()
    if cover_until:
        session.add_all(
            CoverPeriod(
                device_id=device.id,
                provider=CoverProvider.NATIONAL_SCHEME,
                starts_on=received_on,
                ends_on=cover_until,
            )
            for device in devices
        )
    session.commit()
    return devices


def add_sims(session: Session, holder: Organisation, number: int, *, mb_each: int) -> None:
    """SIMs in dongles, active all September, each having used `mb_each` MB by the 20th."""
    for _ in range(number):
        _dongle, sim = make_dongle_with_sim(
            session,
            holder=holder,
            contract_starts_on=date(2026, 6, 1),
            contract_ends_on=date(2027, 5, 31),
        )
        session.add(DataUsage(sim_id=sim.id, read_on=date(2026, 9, 10), used_mb=mb_each // 2))
        session.add(DataUsage(sim_id=sim.id, read_on=date(2026, 9, 20), used_mb=mb_each))
        # August's larger reading is another month's use.
        session.add(DataUsage(sim_id=sim.id, read_on=date(2026, 8, 30), used_mb=mb_each * 9))
    session.commit()


def add_request(
    session: Session,
    school: Organisation,
    *,
    quantity: int,
    fulfilled: int = 0,
    kind: DeviceKind = DeviceKind.LAPTOP,
    requested_on: date = date(2026, 9, 2),
    status: RequestStatus = RequestStatus.REQUESTED,
) -> None:
    session.add(
        DeviceRequest(
            school_id=school.id,
            kind=kind,
            quantity=quantity,
            quantity_fulfilled=fulfilled,
            reason="Pupils without a laptop at home",
            requested_on=requested_on,
            status=status,
        )
    )
    session.commit()


def tickets(session: Session, organisation: Organisation, number: int, **fields) -> None:
    for _ in range(number):
        make_ticket(session, organisation, **fields)


def build(session: Session) -> Register:
    camden = make_council(session, name="Camden")
    hackney = make_council(session, name="Hackney")
    alpha = make_school(session, council=camden, name="Alpha Primary")
    beta = make_school(session, council=camden, name="Beta Academy")
    gamma = make_school(session, council=camden, name="Gamma School")
    delta = make_school(session, council=hackney, name="Delta High")
    register = Register(camden, hackney, alpha, beta, gamma, delta)

    # Devices by kind and status.
    add_devices(session, alpha, 7)
    add_devices(session, alpha, 6, status=DeviceStatus.WITH_FAMILY)
    add_devices(session, alpha, 2, status=DeviceStatus.IN_REPAIR)
    add_devices(session, beta, 12)
    add_devices(session, beta, 5, status=DeviceStatus.ALLOCATED)
    add_devices(session, beta, 1, status=DeviceStatus.WITH_FAMILY, owner_kind=OwnerKind.FAMILY)
    add_devices(session, camden, 9)
    add_devices(session, gamma, 1, kind=DeviceKind.TABLET)
    add_devices(session, delta, 20)
    add_devices(session, alpha, 30, received_on=date(2026, 10, 5))  # after September

    # Cover ending in the 12 months after September.
    add_devices(session, alpha, 6, cover_until=date(2026, 11, 15))
    add_devices(session, alpha, 2, cover_until=date(2026, 12, 10))
    add_devices(session, beta, 8, cover_until=date(2026, 11, 30))
    add_devices(session, beta, 5, cover_until=date(2026, 9, 30))  # ends in September
    seated = add_devices(session, camden, 7)
    licence = make_licence(
        session, organisation=camden, starts_on=date(2026, 4, 1), ends_on=date(2027, 3, 31)
    )
    session.add_all(
        LicenceSeat(licence_id=licence.id, device_id=device.id, assigned_on=date(2026, 4, 1))
        for device in seated
    )
    session.commit()

    # Dongles and data.
    add_sims(session, alpha, 2, mb_each=512)
    add_sims(session, beta, 12, mb_each=2048)
    add_sims(session, gamma, 6, mb_each=1024)

    # Tickets opened in September, London time.
    tickets(
        session,
        alpha,
        6,
        language="pl",
        category=Category.BROKEN_SCREEN,
        created_at=datetime(2026, 9, 8, 10, tzinfo=UTC),
    )
    tickets(
        session,
        alpha,
        1,
        language="so",
        category=Category.CANNOT_CONNECT,
        created_at=datetime(2026, 9, 9, 10, tzinfo=UTC),
    )
    tickets(
        session,
        beta,
        9,
        language="en",
        category=Category.OTHER,
        created_at=datetime(2026, 9, 15, 10, tzinfo=UTC),
    )
    # 00:30 on 1 September in London (BST) is still 31 August in UTC: it counts.
    tickets(
        session,
        beta,
        1,
        language="fr",
        category=Category.OTHER,
        created_at=datetime(2026, 8, 31, 23, 30, tzinfo=UTC),
    )
    # 00:30 on 1 October in London is 30 September in UTC: it does not.
    tickets(
        session,
        beta,
        3,
        language="en",
        category=Category.OTHER,
        created_at=datetime(2026, 9, 30, 23, 30, tzinfo=UTC),
    )
    first = make_ticket(session, delta, language="en", created_at=datetime(2026, 9, 3, tzinfo=UTC))
    make_ticket(
        session,
        delta,
        language="en",
        merged_into=first,
        created_at=datetime(2026, 9, 3, 1, tzinfo=UTC),
    )

    # Unmet demand.
    add_request(session, alpha, quantity=10, fulfilled=3)
    add_request(session, alpha, quantity=6, status=RequestStatus.DECLINED)
    add_request(session, beta, quantity=2, kind=DeviceKind.TABLET)
    add_request(session, beta, quantity=40, requested_on=date(2026, 10, 2))  # after September
    add_request(session, delta, quantity=8, fulfilled=8, status=RequestStatus.FULFILLED)

    # Personal data that must never reach the open data.
    session.add(Family(school_id=alpha.id, pupil_reference=PUPIL_REFERENCE, phone_number=PHONE))
    session.commit()
    return register
