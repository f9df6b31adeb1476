"""A family at a school with everything a move carries: a laptop with its dongle and SIM,
a licence seat, an agreement and an open ticket; and the schools and staff around it."""

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from accounts.models import Organisation, Role
from devices.models import (
    AcceptanceMethod,
    AcceptancePurpose,
    Device,
    Dongle,
    Family,
    FamilyAcceptance,
    Licence,
    LicenceSeat,
    Sim,
)
from support.models import Ticket, TicketStatus
from tests.devices.factories import (
    make_allocation,
    make_device,
    make_dongle_with_sim,
    make_family,
    make_licence,
)
from tests.factories import bearer, make_council, make_school, make_user
from tests.support.test_reports import make_ticket


@dataclass
class Holding:
    family: Family
    device: Device
    dongle: Dongle
    sim: Sim
    licence: Licence
    agreement: FamilyAcceptance
    ticket: Ticket


@dataclass
class Schools:
    council: Organisation
    old: Organisation
    new: Organisation
    other_council: Organisation
    far: Organisation  # a school of the other council

    def staff(self, session: Session, school: Organisation) -> dict[str, str]:
        return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))

    def officer(self, session: Session, council: Organisation) -> dict[str, str]:
        return bearer(session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER))


def make_schools(session: Session) -> Schools:
    council, other = make_council(session), make_council(session)
    return Schools(
        council=council,
        old=make_school(session, council=council),
        new=make_school(session, council=council),
        other_council=other,
        far=make_school(session, council=other),
    )


def give_family_everything(session: Session, school: Organisation) -> Holding:
    family = make_family(session, school=school)
    device = make_device(session, holder=school)
    dongle, sim = make_dongle_with_sim(session, holder=school, device=device)
    make_allocation(session, device=device, family=family, dongle=dongle)
    licence = make_licence(session, organisation=school, seats=1)
    session.add(
        LicenceSeat(licence_id=licence.id, device_id=device.id, assigned_on=date(2026, 2, 1))
    )
    agreement = FamilyAcceptance(
        purpose=AcceptancePurpose.HANDOVER,
        device_id=device.id,
        family_id=family.id,
        organisation_id=school.id,
        terms="loan-v1",
        language="en",
        method=AcceptanceMethod.IN_PERSON,
        asked_by="Sam Staff",
    )
    session.add(agreement)
    session.commit()
    ticket = make_ticket(session, school, status=TicketStatus.OPEN)
    ticket.family_id, ticket.device_id = family.id, device.id
    session.add(ticket)
    session.commit()
    return Holding(family, device, dongle, sim, licence, agreement, ticket)
