"""SIM-only loans: a SIM lent to a family for the account holder's own phone. Its alerts
(contract ending, data nearly used) go by the SIM, like a dongle's; the family's text finds
the family through the loan (devices.family_texts)."""

from datetime import date
from typing import Any

from sqlalchemy import Select, exists
from sqlalchemy import select as sa_select
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Role
from accounts.scoping import scoped
from devices.errors import flush_or_duplicate
from devices.models import Sim, SimCodes, SimLoan, SimPlan, SimSource
from devices.service.access import get_scoped, require_writer
from devices.service.connectivity import get_sim
from devices.service.families import get_family
from devices.sim_loan_schemas import SimCodesIn, SimLoanCreate, SimLoanEnd
from dfc.audit.models import SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound
from dfc.sealed import seal, unseal

SORTABLE = {
    "id": SimLoan.id,
    "allocated_on": SimLoan.allocated_on,
    "returned_on": SimLoan.returned_on,
    "iccid": Sim.iccid,
    "contract_ends_on": Sim.contract_ends_on,
}
# Who may read a SIM's PIN and PUK: the staff who hand SIMs out and help families unlock
# them. Support agents and integrations never see them.
CODE_READERS = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER, Role.SCHOOL_STAFF)


def _filtered(
    statement: Any,
    caller: Caller,
    *,
    school_id: int | None,
    family_id: int | None,
    open_only: bool,
    plan: SimPlan | None,
    source: SimSource | None,
) -> Any:
    statement = scoped(statement, caller, SimLoan.school_id)
    for column, value in (
        (SimLoan.school_id, school_id),
        (SimLoan.family_id, family_id),
        (SimLoan.plan, plan),
        (SimLoan.source, source),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if open_only:
        statement = statement.where(SimLoan.returned_on.is_(None))
    return statement


def visible_sim_loans(
    caller: Caller,
    *,
    school_id: int | None = None,
    family_id: int | None = None,
    open_only: bool = False,
    plan: SimPlan | None = None,
    source: SimSource | None = None,
) -> SelectOfScalar[SimLoan]:
    return _filtered(
        select(SimLoan).join(Sim, Sim.id == SimLoan.sim_id),
        caller,
        school_id=school_id,
        family_id=family_id,
        open_only=open_only,
        plan=plan,
        source=source,
    )


def get_sim_loan(session: Session, *, caller: Caller, loan_id: int) -> SimLoan:
    return get_scoped(session, caller, SimLoan, loan_id, SimLoan.school_id, "SIM loan")


def _lendable_sim(session: Session, caller: Caller, sim_id: int, school_id: int) -> Sim:
    try:
        sim = get_sim(session, caller=caller, sim_id=sim_id)
    except NotFound:
        raise InvalidInput(f"No SIM with id {sim_id}", field="sim_id") from None
    if sim.dongle_id is not None:
        raise InvalidInput(
            "The SIM is in a dongle or router: lend the dongle with a device instead",
            field="sim_id",
        )
    if sim.holder_id != school_id:
        raise InvalidInput(
            "The SIM is held by another organisation than the family's school", field="sim_id"
        )
    lent = exists().where(SimLoan.sim_id == sim.id, SimLoan.returned_on.is_(None))
    if session.scalar(select(lent)):
        raise Conflict(f"SIM {sim.iccid} is already lent to a family; end that loan first")
    return sim


def lend_sim(session: Session, *, caller: Caller, loan_in: SimLoanCreate) -> SimLoan:
    """Lends a SIM (not in a dongle, held by the family's school) to a family, with its
    PIN and PUK if given."""
    require_writer(caller)
    try:
        family = get_family(session, caller=caller, family_id=loan_in.family_id)
    except NotFound:
        raise InvalidInput(f"No family with id {loan_in.family_id}", field="family_id") from None
    sim = _lendable_sim(session, caller, loan_in.sim_id, family.school_id)
    if loan_in.allocated_on < sim.contract_starts_on or loan_in.allocated_on > sim.contract_ends_on:
        raise InvalidInput("The SIM's contract does not run on that day", field="allocated_on")
    loan = SimLoan(
        sim_id=sim.id,
        family_id=family.id,
        school_id=family.school_id,
        plan=loan_in.plan,
        source=loan_in.source,
        allocated_on=loan_in.allocated_on,
    )
    session.add(loan)
    flush_or_duplicate(session, f"SIM {sim.iccid} is already lent to a family")
    if loan_in.pin or loan_in.puk:
        store_codes(session, sim, SimCodesIn(pin=loan_in.pin, puk=loan_in.puk))
    return loan


def end_sim_loan(session: Session, *, caller: Caller, loan_id: int, end_in: SimLoanEnd) -> SimLoan:
    require_writer(caller)
    loan = get_sim_loan(session, caller=caller, loan_id=loan_id)
    if loan.returned_on is not None:
        raise Conflict(f"SIM loan {loan_id} already ended on {loan.returned_on}")
    if end_in.returned_on < loan.allocated_on:
        raise InvalidInput("The loan cannot end before it began", field="returned_on")
    loan.returned_on, loan.return_reason = end_in.returned_on, end_in.reason
    session.add(loan)
    session.flush()
    return loan


def store_codes(session: Session, sim: Sim, codes_in: SimCodesIn) -> SimCodes:
    """Seals and keeps a SIM's codes (the caller has already been checked)."""
    codes = session.get(SimCodes, sim.id) or SimCodes(sim_id=sim.id)
    if codes_in.pin is not None:
        codes.pin_sealed = seal(codes_in.pin)
    if codes_in.puk is not None:
        codes.puk_sealed = seal(codes_in.puk)
    session.add(codes)
    session.flush()
    return codes


def set_codes(session: Session, *, caller: Caller, sim_id: int, codes_in: SimCodesIn) -> None:
    """Records (or corrects) a SIM's PIN and PUK, as printed on its card."""
    require_writer(caller)
    store_codes(session, get_sim(session, caller=caller, sim_id=sim_id), codes_in)


def show_codes(
    session: Session, *, caller: Caller, loan_id: int, seen: Where
) -> tuple[int, str | None, str | None]:
    """(sim id, PIN, PUK) of a lent SIM, for staff who run SIMs; each showing is written to
    the access audit (committed) before the codes leave."""
    if caller.is_integration or not caller.has_role(*CODE_READERS):
        raise Forbidden("A SIM's PIN and PUK are shown only to scheme, council and school staff")
    loan = get_sim_loan(session, caller=caller, loan_id=loan_id)
    codes = session.get(SimCodes, loan.sim_id)
    if codes is None:
        raise NotFound(f"No PIN or PUK recorded for the SIM of loan {loan_id}")
    pin, puk = unseal(codes.pin_sealed), unseal(codes.puk_sealed)
    record_shown(session, caller, seen, subject_type=SubjectType.SIM_LOAN, subjects=[loan.id])
    return loan.sim_id, pin, puk


CSV_COLUMNS = (
    "id",
    "school_id",
    "family_id",
    "iccid",
    "network_operator",
    "plan",
    "source",
    "allocated_on",
    "returned_on",
    "contract_ends_on",
)


def sim_loan_rows(
    caller: Caller,
    *,
    school_id: int | None = None,
    family_id: int | None = None,
    plan: SimPlan | None = None,
    open_only: bool = False,
) -> Select[Any]:
    """The loans as flat rows with their SIM's number, network and term, for the page."""
    statement = sa_select(
        SimLoan.id,
        SimLoan.school_id,
        SimLoan.family_id,
        Sim.iccid,
        Sim.network_operator,
        SimLoan.plan,
        SimLoan.source,
        SimLoan.allocated_on,
        SimLoan.returned_on,
        Sim.contract_ends_on,
    ).join(Sim, Sim.id == SimLoan.sim_id)
    return _filtered(
        statement,
        caller,
        school_id=school_id,
        family_id=family_id,
        open_only=open_only,
        plan=plan,
        source=None,
    )


def free_sims(session: Session, *, caller: Caller, school_id: int, today: date) -> list[Sim]:
    """The school's SIMs that may be lent on their own: in no dongle, not lent now, their
    term not over."""
    lent = exists().where(SimLoan.sim_id == Sim.id, SimLoan.returned_on.is_(None))
    statement = scoped(select(Sim), caller, Sim.holder_id).where(
        Sim.holder_id == school_id,
        Sim.dongle_id.is_(None),
        Sim.contract_ends_on >= today,
        ~lent,
    )
    return list(session.exec(statement.order_by(Sim.iccid)))
