"""Demo SIM-only loans for `make run`: a family without broadband with a data bank's SIM in
the parent's own phone (its data 85% used this month, its term ending in three weeks, its
PIN and PUK recorded), and one still not connected, so the connection-routes report shows
both. Made through the services, as staff would make them."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from devices.connectivity_schemas import SimCreate, UsageReadingCreate
from devices.models import SimPlan, SimSource
from devices.schemas import FamilyCreate
from devices.service import connectivity, families, sim_loans
from devices.sim_loan_schemas import SimLoanCreate
from dfc.caller import Caller

ICCID = "8944110068256270088"


def seed_sim_loans(session: Session, *, school: Organisation, today: date) -> None:
    caller = Caller(
        organisation_id=school.id,
        organisation_kind=OrganisationKind.SCHOOL,
        organisation_name=school.name,
        role=Role.SCHOOL_STAFF,
        user_id=None,
        name="demo data",
    )
    lent_to, _unconnected = (
        families.create_family(
            session,
            caller=caller,
            family_in=FamilyCreate(
                school_id=school.id,
                pupil_reference=reference,
                year_group=year,
                phone_number=phone,
                preferred_language=language,
                sms_consent=True,
                home_broadband=False,
            ),
        )
        for reference, year, phone, language in (
            ("8D-077", 8, "+447911123404", "en"),
            ("6A-142", 6, "+447911123405", "ro"),
        )
    )
    # A six-month term that ends three weeks from today.
    starts_on = today + timedelta(days=21) - relativedelta(months=6) + timedelta(days=1)
    sim = connectivity.create_sim(
        session,
        caller=caller,
        sim_in=SimCreate(
            iccid=ICCID,
            network_operator="Vodafone (National Databank)",
            holder_id=school.id,
            contract_starts_on=starts_on,
            gb_per_month=20,
        ),
    )
    sim_loans.lend_sim(
        session,
        caller=caller,
        loan_in=SimLoanCreate(
            sim_id=sim.id,
            family_id=lent_to.id,
            plan=SimPlan.DATA_AND_CALLS,
            source=SimSource.DATA_BANK,
            allocated_on=starts_on,
            pin="1357",
            puk="24681357",
        ),
    )
    connectivity.record_usage(  # 17 GB of 20 used so far this month
        session,
        caller=caller,
        sim_id=sim.id,
        reading=UsageReadingCreate(read_on=today, used_mb=17 * 1024),
    )
    session.flush()
