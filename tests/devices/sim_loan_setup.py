"""A SIM lent on its own to a family, for the SIM-only loan tests."""

from datetime import date
from decimal import Decimal
from itertools import count

from sqlmodel import Session

from accounts.models import Organisation
from devices.models import DataAllowance, Family, Sim, SimLoan, SimPlan, SimSource

_numbers = count(1)


def make_sim(
    session: Session,
    *,
    holder: Organisation,
    starts_on: date = date(2026, 6, 1),
    ends_on: date = date(2026, 11, 30),
    gb_per_month: Decimal = Decimal(20),
) -> Sim:
    sim = Sim(
        iccid=f"894430{next(_numbers):014d}",
        network_operator="Vodafone",
        holder_id=holder.id,
        contract_starts_on=starts_on,
        contract_ends_on=ends_on,
    )
    session.add(sim)
    session.flush()
    session.add(DataAllowance(sim_id=sim.id, gb_per_month=gb_per_month, effective_from=starts_on))
    session.commit()
    return sim


def lend(session: Session, *, sim: Sim, family: Family, on: date = date(2026, 6, 2)) -> SimLoan:
    loan = SimLoan(
        sim_id=sim.id,
        family_id=family.id,
        school_id=family.school_id,
        plan=SimPlan.DATA_AND_CALLS,
        source=SimSource.DATA_BANK,
        allocated_on=on,
    )
    session.add(loan)
    session.commit()
    return loan
