"""Demo moves for `make run`: a family of a neighbouring council offered to the demo
council's secondary school (the officer accepts or declines it on /moves), and a primary
school converting to an academy, its successor recorded, ready for the officer to move its
register on /school-links."""

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role, SchoolPhase
from accounts.school_links import LinkKind, link_schools
from devices.connectivity_schemas import LicenceCreate, SeatAssign
from devices.models import DeviceKind, LicenceProduct
from devices.move_schemas import MoveCreate
from devices.schemas import AllocationCreate, DeviceCreate, FamilyCreate
from devices.service import families, licences, lifecycle, moves, registry
from dfc.caller import Caller

NEIGHBOUR_GSS = "E09000019"  # Islington
NEIGHBOUR_SCHOOL = ("900011", "Highbury Fields School (demo)")
CONVERTING = ("900004", "Gospel Oak Primary (demo)")
SUCCESSOR = ("900005", "Gospel Oak Academy (demo)")


def _officer(council: Organisation) -> Caller:
    return Caller(
        organisation_id=council.id,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name="demo",
        role=Role.COUNCIL_OFFICER,
        user_id=None,
        name="demo data",
    )


def _school(session: Session, urn: str, name: str, council: Organisation, **more) -> Organisation:
    school = Organisation(
        kind=OrganisationKind.SCHOOL,
        urn=urn,
        name=name,
        phase=SchoolPhase.PRIMARY,
        council_id=council.id,
        **more,
    )
    session.add(school)
    session.flush()
    return school


def _families_with_laptops(
    session: Session, caller: Caller, school: Organisation, *, prefix: str, count: int, today: date
) -> list[int]:
    received = today - timedelta(days=200)
    ids = []
    web_filter = licences.create_licence(  # filtered, as the council's laptops out are
        session,
        caller=caller,
        licence_in=LicenceCreate(
            organisation_id=school.id,
            product=LicenceProduct.WEB_FILTER,
            name="Web filter",
            supplier="Demo Filtering Ltd",
            seats=count,
            starts_on=received,
            ends_on=today + timedelta(days=300),
            cost_per_seat_per_year=Decimal("6.00"),
        ),
    )
    for n in range(1, count + 1):
        device = registry.create_device(
            session,
            caller=caller,
            device_in=DeviceCreate(
                kind=DeviceKind.CHROMEBOOK,
                make="Acer",
                model="Chromebook 311",
                serial_number=f"{prefix}{n:04d}",
                holder_id=school.id,
                received_on=received,
            ),
        )
        family = families.create_family(
            session,
            caller=caller,
            family_in=FamilyCreate(
                school_id=school.id,
                pupil_reference=f"{prefix}-{n:03d}",
                year_group=4,
                preferred_language="en",
            ),
        )
        lifecycle.allocate(
            session,
            caller=caller,
            allocation_in=AllocationCreate(
                device_id=device.id, family_id=family.id, allocated_on=received + timedelta(days=7)
            ),
        )
        licences.assign_seat(
            session,
            caller=caller,
            licence_id=web_filter.id,
            seat_in=SeatAssign(device_id=device.id, assigned_on=received),
        )
        ids.append(family.id)
    return ids


def seed_moves(
    session: Session,
    *,
    council: Organisation,
    receiving: Organisation,
    trust_id: int | None,
    today: date,
) -> None:
    neighbour = session.exec(
        select(Organisation).where(Organisation.gss_code == NEIGHBOUR_GSS)
    ).one()
    theirs = _school(session, *NEIGHBOUR_SCHOOL, neighbour)
    leaving = _families_with_laptops(
        session, _officer(neighbour), theirs, prefix="ISL", count=1, today=today
    )
    moves.move_family(
        session,
        caller=_officer(neighbour),
        family_id=leaving[0],
        move_in=MoveCreate(to_school_urn=receiving.urn or "", new_pupil_reference="RPS-2031"),
    )
    ours = _officer(council)
    converting = _school(session, *CONVERTING, council)
    successor = _school(session, *SUCCESSOR, council, trust_id=trust_id)
    _families_with_laptops(session, ours, converting, prefix="GOP", count=3, today=today)
    link_schools(
        session,
        caller=ours,
        predecessor_id=converting.id,
        successor_urn=successor.urn or "",
        kind=LinkKind.ACADEMY_CONVERSION,
        linked_on=today,
        actor="demo data",
    )
