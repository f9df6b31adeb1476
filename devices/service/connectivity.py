"""Dongles, SIMs, data allowances (an uplift is a new row, never an overwrite) and usage."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.scoping import scoped
from devices.connectivity_schemas import (
    AllowanceUplift,
    DongleCreate,
    SimCreate,
    UsageReadingCreate,
)
from devices.errors import flush_or_duplicate
from devices.models import DataAllowance, DataUsage, Device, Dongle, DongleStatus, Sim
from devices.service.access import get_scoped, reachable_organisation, require_writer
from devices.service.registry import get_device, serial_numbers
from devices.service.safeguarding import flag_sim_replaced
from dfc.caller import Caller
from dfc.errors import Conflict, InvalidInput, NotFound

DONGLE_SORTABLE = {
    "id": Dongle.id,
    "imei": Dongle.imei,
    "status": Dongle.status,
    "received_on": Dongle.received_on,
}
MB_PER_GB = Decimal(1024)
FREE = (DongleStatus.IN_STOCK, DongleStatus.RETURNED)  # may be allocated
SIM_SORTABLE = {
    "id": Sim.id,
    "iccid": Sim.iccid,
    "contract_ends_on": Sim.contract_ends_on,
    "network_operator": Sim.network_operator,
}


def visible_dongles(
    caller: Caller,
    *,
    status: DongleStatus | None = None,
    holder_id: int | None = None,
    unpaired: bool = False,
) -> SelectOfScalar[Dongle]:
    statement = scoped(select(Dongle), caller, Dongle.holder_id)
    if status:
        statement = statement.where(Dongle.status == status)
    if holder_id:
        statement = statement.where(Dongle.holder_id == holder_id)
    if unpaired:
        statement = statement.where(Dongle.paired_device_id.is_(None))
    return statement


def free_dongles(session: Session, *, caller: Caller, holder_id: int) -> list[Dongle]:
    """Dongles in stock (or back) at an organisation and paired with no device, to allocate."""
    statement = visible_dongles(caller, holder_id=holder_id, unpaired=True).where(
        Dongle.status.in_(FREE)
    )
    return list(session.exec(statement.order_by(Dongle.imei)).all())


def get_dongle(session: Session, *, caller: Caller, dongle_id: int) -> Dongle:
    return get_scoped(session, caller, Dongle, dongle_id, Dongle.holder_id, "dongle")


def create_dongle(session: Session, *, caller: Caller, dongle_in: DongleCreate) -> Dongle:
    require_writer(caller)
    reachable_organisation(session, caller, dongle_in.holder_id, "holder_id")
    if dongle_in.paired_device_id is not None:
        device = get_device(session, caller=caller, device_id=dongle_in.paired_device_id)
        _require_pairable(session, device, dongle_in.holder_id)
    dongle = Dongle(**dongle_in.model_dump())
    session.add(dongle)
    flush_or_duplicate(session, f"A dongle with IMEI {dongle_in.imei} is already registered")
    return dongle


def _require_pairable(session: Session, device: Device, holder_id: int) -> None:
    """A device goes with one dongle, held where it is, so the two can go to a family."""
    if device.holder_id != holder_id:
        raise InvalidInput(
            f"Device {device.serial_number} is held by another organisation than the dongle",
            field="paired_device_id",
        )
    paired = session.exec(select(Dongle.imei).where(Dongle.paired_device_id == device.id)).first()
    if paired is not None:
        raise Conflict(
            f"Device {device.serial_number} is paired with dongle {paired} already; "
            f"unpair that one first",
            field="paired_device_id",
        )


@dataclass(frozen=True)
class SimNow:
    """A SIM with the allowance in force today and the latest reading this month."""

    sim: Sim
    allowance: DataAllowance | None
    reading: DataUsage | None

    @property
    def percent_used(self) -> int | None:
        if self.allowance is None or self.reading is None or not self.allowance.gb_per_month:
            return None
        return round(self.reading.used_mb * 100 / (self.allowance.gb_per_month * MB_PER_GB))


@dataclass(frozen=True)
class DongleNow:
    """A dongle as its page shows it: its SIMs (newest first) and the device it goes with."""

    dongle: Dongle
    paired_serial_number: str | None
    sims: list[SimNow]


def dongle_now(session: Session, *, caller: Caller, dongle_id: int, today: date) -> DongleNow:
    dongle = get_dongle(session, caller=caller, dongle_id=dongle_id)
    sims = list(
        session.exec(
            visible_sims(caller)
            .where(Sim.dongle_id == dongle.id)
            .order_by(Sim.contract_starts_on.desc(), Sim.id.desc())
        ).all()
    )
    ids = [sim.id for sim in sims]
    allowances: dict[int, DataAllowance] = {}
    for allowance in session.exec(  # the latest on or before today wins
        select(DataAllowance)
        .where(DataAllowance.sim_id.in_(ids), DataAllowance.effective_from <= today)
        .order_by(DataAllowance.effective_from)
    ):
        allowances[allowance.sim_id] = allowance
    readings: dict[int, DataUsage] = {}
    for reading in session.exec(
        select(DataUsage)
        .where(DataUsage.sim_id.in_(ids), DataUsage.read_on.between(today.replace(day=1), today))
        .order_by(DataUsage.read_on)
    ):
        readings[reading.sim_id] = reading
    paired = dongle.paired_device_id
    return DongleNow(
        dongle=dongle,
        paired_serial_number=serial_numbers(session, caller, {paired}).get(paired)
        if paired
        else None,
        sims=[SimNow(sim, allowances.get(sim.id), readings.get(sim.id)) for sim in sims],
    )


def visible_sims(
    caller: Caller, *, holder_id: int | None = None, contract_ends_before: date | None = None
) -> SelectOfScalar[Sim]:
    statement = scoped(select(Sim), caller, Sim.holder_id)
    if holder_id:
        statement = statement.where(Sim.holder_id == holder_id)
    if contract_ends_before:
        statement = statement.where(Sim.contract_ends_on < contract_ends_before)
    return statement


def get_sim(session: Session, *, caller: Caller, sim_id: int) -> Sim:
    return get_scoped(session, caller, Sim, sim_id, Sim.holder_id, "SIM")


def create_sim(session: Session, *, caller: Caller, sim_in: SimCreate) -> Sim:
    """A SIM with its contract and first allowance (3 GB a month for six months unless
    the delivery batch says otherwise). Put in a router that had a SIM, it replaces that
    one, and the router's filtering is flagged for review."""
    require_writer(caller)
    reachable_organisation(session, caller, sim_in.holder_id, "holder_id")
    dongle = None
    if sim_in.dongle_id is not None:
        try:
            dongle = get_dongle(session, caller=caller, dongle_id=sim_in.dongle_id)
        except NotFound:
            raise InvalidInput(f"No dongle with id {sim_in.dongle_id}", field="dongle_id") from None
        if dongle.holder_id != sim_in.holder_id:
            raise InvalidInput(
                "The dongle is held by another organisation than the SIM", field="dongle_id"
            )
    sim = Sim(
        iccid=sim_in.iccid,
        phone_number=sim_in.phone_number,
        network_operator=sim_in.network_operator,
        dongle_id=sim_in.dongle_id,
        holder_id=sim_in.holder_id,
        contract_starts_on=sim_in.contract_starts_on,
        contract_ends_on=sim_in.contract_starts_on
        + relativedelta(months=sim_in.contract_months)
        - relativedelta(days=1),
    )
    session.add(sim)
    flush_or_duplicate(session, f"A SIM with ICCID {sim_in.iccid} is already registered")
    session.add(
        DataAllowance(
            sim_id=sim.id,
            gb_per_month=sim_in.gb_per_month,
            effective_from=sim_in.contract_starts_on,
        )
    )
    if dongle is not None:  # a new SIM in a router that had one is a replaced SIM
        flag_sim_replaced(session, caller=caller, dongle=dongle, sim=sim)
    session.flush()
    return sim


def allowances_of(session: Session, *, caller: Caller, sim_id: int) -> list[DataAllowance]:
    sim = get_sim(session, caller=caller, sim_id=sim_id)
    return list(
        session.exec(
            select(DataAllowance)
            .where(DataAllowance.sim_id == sim.id)
            .order_by(DataAllowance.effective_from)
        )
    )


def uplift_allowance(
    session: Session, *, caller: Caller, sim_id: int, uplift: AllowanceUplift
) -> DataAllowance:
    """A larger allowance from a date: a new row, so the earlier allowance stays on record."""
    require_writer(caller)
    sim = get_sim(session, caller=caller, sim_id=sim_id)
    current = session.exec(
        select(DataAllowance)
        .where(
            DataAllowance.sim_id == sim.id, DataAllowance.effective_from <= uplift.effective_from
        )
        .order_by(DataAllowance.effective_from.desc())
    ).first()
    if current and uplift.gb_per_month <= current.gb_per_month:
        raise InvalidInput(
            f"An uplift must be more than the {current.gb_per_month} GB a month "
            f"in force on {uplift.effective_from}",
            field="gb_per_month",
        )
    if uplift.contract_ends_on:
        if uplift.contract_ends_on < sim.contract_ends_on:
            raise InvalidInput("An uplift cannot shorten the contract", field="contract_ends_on")
        sim.contract_ends_on = uplift.contract_ends_on
        session.add(sim)
    allowance = DataAllowance(
        sim_id=sim.id, gb_per_month=uplift.gb_per_month, effective_from=uplift.effective_from
    )
    session.add(allowance)
    flush_or_duplicate(session, f"The SIM already has an allowance from {uplift.effective_from}")
    return allowance


def record_usage(
    session: Session, *, caller: Caller, sim_id: int, reading: UsageReadingCreate
) -> DataUsage:
    """Adds or corrects the reading for a day (the same day twice is one reading)."""
    require_writer(caller)
    sim = get_sim(session, caller=caller, sim_id=sim_id)
    row = session.exec(
        select(DataUsage).where(DataUsage.sim_id == sim.id, DataUsage.read_on == reading.read_on)
    ).first()
    if row is None:
        row = DataUsage(sim_id=sim.id, read_on=reading.read_on, used_mb=reading.used_mb)
    row.used_mb = reading.used_mb
    session.add(row)
    session.flush()
    return row
