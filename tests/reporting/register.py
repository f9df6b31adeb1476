"""A small register with something in every dashboard figure, over two councils, for the
daily figures' tests: each figure must come out the same counted live or from summaries."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from devices.models import (
    DataUsage,
    Device,
    DeviceManagement,
    DeviceRequest,
    DeviceStatus,
    EndOfUpdates,
    LicenceSeat,
    OwnerKind,
    UpdatesKind,
    UpdatesSource,
)
from devices.models.management import EnrolmentState, Manager
from dfc.caller import Caller
from tests.devices import factories
from tests.factories import make_council, make_school


@dataclass(frozen=True)
class Register:
    ours: Organisation
    theirs: Organisation
    ash: Organisation  # one of our schools
    birch: Organisation
    far: Organisation  # their school


def caller_for(organisation: Organisation) -> Caller:
    role = {
        OrganisationKind.SCHEME: Role.SCHEME_ADMIN,
        OrganisationKind.COUNCIL: Role.COUNCIL_OFFICER,
    }.get(organisation.kind, Role.SCHOOL_STAFF)
    return Caller(organisation.id or 0, organisation.kind, organisation.name, role)


OLD_SYSTEM = "Testix OS 1"  # an operating system whose updates ended 10 days ago


def updates_end(session: Session, device: Device, on: date) -> None:
    """`device`'s own end of updates (as Google Admin's Auto Update Expiration says)."""
    session.add(
        DeviceManagement(
            device_id=device.id,
            manager=Manager.GOOGLE_ADMIN,
            state=EnrolmentState.ENROLLED,
            auto_update_expires_on=on,
        )
    )


def _ending_updates(
    session: Session, made: list[Device], others: list[Device], *, today: date
) -> None:
    """The first device's updates ended a month ago, the second's end in 20 days, the
    third's (if any) in 100, the fourth's (if any) by its operating system 10 days ago; the
    lost and the family's own devices are past theirs too, and never counted."""
    updates_end(session, made[0], today - timedelta(days=30))
    updates_end(session, made[1], today + timedelta(days=20))
    if len(made) > 2:
        updates_end(session, made[2], today + timedelta(days=100))
    if len(made) > 3:
        made[3].operating_system = OLD_SYSTEM
        session.add(made[3])
    for device in others:
        updates_end(session, device, today - timedelta(days=1))


def _school_with(session: Session, school: Organisation, *, today: date, devices: int) -> None:
    """`devices` devices whose cover ends over the next months, one in repair, one lost, one
    the family owns, a licence ending with seats in use, a SIM at its cap, unmet demand,
    devices past and nearing their end of updates."""
    made = [
        factories.make_device(
            session,
            holder=school,
            received_on=today - timedelta(days=400),
            cover_until=today + timedelta(days=10 + 35 * n),
        )
        for n in range(devices)
    ]
    factories.make_device(session, holder=school, status=DeviceStatus.IN_REPAIR, cover_until=None)
    lost = factories.make_device(
        session, holder=school, status=DeviceStatus.LOST, cover_until=today + timedelta(days=5)
    )
    owned = factories.make_device(session, holder=school, cover_until=None)
    owned.owner_kind = OwnerKind.FAMILY
    _ending_updates(session, made, [lost, owned], today=today)
    licence = factories.make_licence(
        session,
        organisation=school,
        starts_on=today - timedelta(days=300),
        ends_on=today + timedelta(days=40),
    )
    session.add_all(
        [
            owned,
            *(LicenceSeat(licence_id=licence.id, device_id=d.id, assigned_on=today) for d in made),
        ]
    )
    _dongle, sim = factories.make_dongle_with_sim(
        session,
        holder=school,
        device=made[0],
        contract_starts_on=today.replace(day=1) - timedelta(days=200),
        contract_ends_on=today + timedelta(days=20),
    )
    session.add_all(
        [
            DataUsage(sim_id=sim.id, read_on=today.replace(day=1), used_mb=4000),
            DeviceRequest(
                school_id=school.id,
                quantity=devices + 2,
                quantity_fulfilled=1,
                reason="more pupils",
                requested_on=today,
            ),
        ]
    )
    session.commit()


def make_register(session: Session, *, today: date) -> Register:
    ours, theirs = make_council(session, name="Ourshire"), make_council(session, name="Theirs")
    session.add(
        EndOfUpdates(
            kind=UpdatesKind.OPERATING_SYSTEM,
            name=OLD_SYSTEM,
            name_key=OLD_SYSTEM.lower(),
            ends_on=today - timedelta(days=10),
            source=UpdatesSource.ADMIN,
            updated_by="a scheme admin",
        )
    )
    ash = make_school(session, council=ours, name="Ash School")
    birch = make_school(session, council=ours, name="Birch School")
    far = make_school(session, council=theirs, name="Far School")
    _school_with(session, ash, today=today, devices=4)
    _school_with(session, birch, today=today, devices=2)
    _school_with(session, far, today=today, devices=6)
    factories.make_device(session, holder=ours, cover_until=today + timedelta(days=100))
    return Register(ours, theirs, ash, birch, far)
