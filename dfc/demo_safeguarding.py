"""Demo safeguarding for `make run`: the council's safeguarding lead, a web filter licence
for every laptop out with a family but one (so the dashboard lists one unfiltered device),
and a router whose SIM was replaced, waiting for its filtering review."""

from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from devices.connectivity_schemas import DongleCreate, LicenceCreate, SeatAssign, SimCreate
from devices.models import Allocation, Device, LicenceProduct
from devices.models.connectivity import DongleKind
from devices.service import connectivity, licences, safeguarding
from dfc.caller import Caller


def seed_safeguarding(session: Session, *, school: Organisation, today: date) -> None:
    council = session.get(Organisation, school.council_id)
    caller = Caller(
        organisation_id=council.id,
        organisation_kind=OrganisationKind.COUNCIL,
        organisation_name="demo",
        role=Role.COUNCIL_OFFICER,
        user_id=None,
        name="demo data",
    )
    safeguarding.set_settings(
        session,
        caller=caller,
        council=council,
        settings_in=safeguarding.SafeguardingIn(
            lead_name="Dana Lead", lead_email="safeguarding@demo.example"
        ),
    )
    with_families = session.exec(
        select(Device)
        .join(Allocation, Allocation.device_id == Device.id)
        .where(Device.holder_id == school.id, Allocation.returned_on.is_(None))
        .order_by(Device.id)
    ).all()
    started = today - timedelta(days=120)
    licence = licences.create_licence(
        session,
        caller=caller,
        licence_in=LicenceCreate(
            organisation_id=school.id,
            product=LicenceProduct.WEB_FILTER,
            name="Web filter",
            supplier="Demo Filtering Ltd",
            seats=10,
            starts_on=started,
            ends_on=today + timedelta(days=240),
            cost_per_seat_per_year=Decimal("6.00"),
        ),
    )
    for device in with_families[1:]:  # the first stays unfiltered, for the demo
        licences.assign_seat(
            session,
            caller=caller,
            licence_id=licence.id,
            seat_in=SeatAssign(device_id=device.id, assigned_on=started),
        )
    router = connectivity.create_dongle(
        session,
        caller=caller,
        dongle_in=DongleCreate(
            kind=DongleKind.ROUTER, imei="356938035643817", holder_id=school.id, received_on=started
        ),
    )
    for iccid, starts_on in (("8944110068256270062", started), ("8944110068256270070", today)):
        connectivity.create_sim(  # the second replaces the first: its filtering to review
            session,
            caller=caller,
            sim_in=SimCreate(
                iccid=iccid,
                network_operator="Demo Mobile",
                dongle_id=router.id,
                holder_id=school.id,
                contract_starts_on=starts_on,
            ),
        )
    session.flush()
