"""A small register with something in every dashboard figure, over two councils, for the
daily figures' tests: each figure must come out the same counted live or from summaries."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from devices.models import DataUsage, DeviceRequest, DeviceStatus, LicenceSeat, OwnerKind
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


def _school_with(session: Session, school: Organisation, *, today: date, devices: int) -> None:
    """`devices` devices whose cover ends over the next months, one in repair, one lost, one
    the family owns, a licence ending with seats in use, a SIM at its cap, unmet demand."""
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
    factories.make_device(
        session, holder=school, status=DeviceStatus.LOST, cover_until=today + timedelta(days=5)
    )
    owned = factories.make_device(session, holder=school, cover_until=None)
    owned.owner_kind = OwnerKind.FAMILY
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
    ash = make_school(session, council=ours, name="Ash School")
    birch = make_school(session, council=ours, name="Birch School")
    far = make_school(session, council=theirs, name="Far School")
    _school_with(session, ash, today=today, devices=4)
    _school_with(session, birch, today=today, devices=2)
    _school_with(session, far, today=today, devices=6)
    factories.make_device(session, holder=ours, cover_until=today + timedelta(days=100))
    return Register(ours, theirs, ash, birch, far)
