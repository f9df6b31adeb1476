"""A council's school with one device of each filtering case, for the filtering tests."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from accounts.models import Organisation
from devices.models import (
    CouncilSafeguarding,
    Device,
    DeviceManagement,
    Dongle,
    EnrolmentState,
    Licence,
    LicenceProduct,
    LicenceSeat,
    Manager,
)
from devices.models.connectivity import DongleKind
from tests.devices.factories import (
    make_allocation,
    make_device,
    make_dongle_with_sim,
    make_family,
)

TODAY = date(2026, 12, 5)


@dataclass
class Filtering:
    licensed: Device  # a child has it, with a web filter licence seat in force
    managed: Device  # a child has it, enrolled in Intune, which the council says filters
    unfiltered: Device  # a child has it, and nothing filters it
    lapsed: Device  # a child has it; its web filter licence ended yesterday
    google: Device  # a child has it, in Google Admin, which the council did not tick
    in_stock: Device  # nobody has it
    router: Dongle  # a router with one SIM


def with_child(session: Session, school: Organisation, serial: str) -> Device:
    device = make_device(session, holder=school, serial=serial)
    make_allocation(session, device=device, family=make_family(session, school=school))
    return device


def filter_licence(
    session: Session, school: Organisation, devices: list[Device], *, ends_on: date
) -> None:
    licence = Licence(
        organisation_id=school.id,
        product=LicenceProduct.WEB_FILTER,
        name="Smoothwall",
        supplier="Smoothwall Ltd",
        seats=10,
        starts_on=date(2026, 1, 1),
        ends_on=ends_on,
    )
    session.add(licence)
    session.flush()
    session.add_all(
        LicenceSeat(licence_id=licence.id, device_id=d.id, assigned_on=date(2026, 1, 1))
        for d in devices
    )
    session.commit()


def enrol(session: Session, device: Device, manager: Manager) -> None:
    session.add(
        DeviceManagement(device_id=device.id, manager=manager, state=EnrolmentState.ENROLLED)
    )
    session.commit()


def build(session: Session, council: Organisation, school: Organisation) -> Filtering:
    found = Filtering(
        licensed=with_child(session, school, "FILTER-LICENCE"),
        managed=with_child(session, school, "FILTER-INTUNE"),
        unfiltered=with_child(session, school, "NO-FILTER"),
        lapsed=with_child(session, school, "LAPSED-FILTER"),
        google=with_child(session, school, "GOOGLE-NOT-TICKED"),
        in_stock=make_device(session, holder=school, serial="ON-THE-SHELF"),
        router=make_dongle_with_sim(session, holder=school)[0],
    )
    filter_licence(session, school, [found.licensed], ends_on=date(2027, 8, 31))
    filter_licence(session, school, [found.lapsed], ends_on=date(2026, 12, 4))
    enrol(session, found.managed, Manager.INTUNE)
    enrol(session, found.google, Manager.GOOGLE_ADMIN)
    session.add(CouncilSafeguarding(council_id=council.id, intune_filters=True, updated_by="test"))
    found.router.kind = DongleKind.ROUTER
    session.add(found.router)
    session.commit()
    return found
