"""The cost forecast: month by month, how many devices leave central support (the national
scheme's cover periods) and what taking over their licences and connectivity costs at
the council's prices; and how many reach their end of security updates and what replacing
them costs. The counting is one grouped query; the pricing is arithmetic on its
few rows."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from accounts.scoping import scoped
from devices.models import CoverPeriod, CoverProvider, Device, Dongle, Sim
from devices.service.registry import OUT_OF_SERVICE
from dfc.caller import Caller
from reporting.dashboard.months import month_key, month_of, months_between, months_from
from reporting.dashboard.prices import Prices
from reporting.dashboard.replacement import ALREADY, replacements

MIN_MONTHS = 24
MAX_MONTHS = 60
PENNY = Decimal("0.01")


@dataclass(frozen=True)
class ForecastMonth:
    month: date
    devices_leaving: int
    with_dongle: int
    added_monthly_cost: Decimal
    running_monthly_cost: Decimal
    spent_so_far: Decimal
    updates_ending: int = 0  # devices whose security updates end that month
    replacement_cost: Decimal = Decimal(0)  # replacing them at the council's prices


@dataclass(frozen=True)
class Replacing:
    """Devices whose security updates end, beside the forecast: those already past it,
    those after the forecast, and the kinds the council has set no replacement price for."""

    already_past: int = 0
    already_past_cost: Decimal = Decimal(0)
    after_forecast: int = 0
    unpriced_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class Forecast:
    months: list[ForecastMonth]
    already_out: int
    already_out_with_dongle: int
    already_out_monthly_cost: Decimal
    after_forecast: int
    prices: Prices
    replacing: Replacing = Replacing()

    @property
    def total_leaving(self) -> int:
        return sum(month.devices_leaving for month in self.months)

    @property
    def final_monthly_cost(self) -> Decimal:
        return self.months[-1].running_monthly_cost if self.months else Decimal(0)

    @property
    def total_spent(self) -> Decimal:
        return self.months[-1].spent_so_far if self.months else Decimal(0)

    @property
    def total_updates_ending(self) -> int:
        return sum(month.updates_ending for month in self.months)

    @property
    def total_replacement_cost(self) -> Decimal:
        return sum((month.replacement_cost for month in self.months), Decimal(0))


def central_cover(caller: Caller) -> Select[Any]:
    """Each device in service that the scheme supported: when its last central support
    period ends (none: open-ended, so never in the forecast) and whether a dongle with a
    SIM goes with it."""
    national = and_(
        CoverPeriod.device_id == Device.id,
        CoverPeriod.provider == CoverProvider.NATIONAL_SCHEME,
    )
    endless = aliased(CoverPeriod)
    open_ended = exists().where(
        endless.device_id == Device.id,
        endless.provider == CoverProvider.NATIONAL_SCHEME,
        endless.ends_on.is_(None),
    )
    has_sim = exists().where(Dongle.paired_device_id == Device.id, Sim.dongle_id == Dongle.id)
    statement = (
        select(
            Device.id.label("device_id"),
            Device.holder_id,
            func.max(CoverPeriod.ends_on).label("central_until"),
            case((has_sim, 1), else_=0).label("with_dongle"),
        )
        .join(CoverPeriod, national)
        .where(Device.status.not_in(OUT_OF_SERVICE), ~open_ended)
        .group_by(Device.id, Device.holder_id)
    )
    return scoped(statement, caller, Device.holder_id)


def leaving_by_month(caller: Caller, *, today: date) -> Select[Any]:
    """(month 'YYYY-MM', devices, with_dongle) for devices whose central support ends from
    today on; a month key of '' gathers those that left before today."""
    devices = central_cover(caller).subquery()
    month = case((devices.c.central_until < today, ""), else_=month_of(devices.c.central_until))
    return select(
        month.label("month"),
        func.count().label("devices"),
        func.coalesce(func.sum(devices.c.with_dongle), 0).label("with_dongle"),
    ).group_by(month)


def _money(amount: Decimal) -> Decimal:
    return amount.quantize(PENNY, rounding=ROUND_HALF_UP)


def _monthly_cost(prices: Prices, devices: int, with_dongle: int) -> Decimal:
    return prices.licence_per_device_per_month * devices + (
        prices.data_per_device_per_month * with_dongle
    )


def forecast(session: Session, caller: Caller, *, prices: Prices, today: date) -> Forecast:
    """Every month from this one for at least 24 months, and on to the month the last
    central support ends (at most 60)."""
    counts = {
        row.month: (int(row.devices), int(row.with_dongle))
        for row in session.execute(leaving_by_month(caller, today=today))
    }
    already_out = counts.pop("", (0, 0))
    replacing = replacements(session, caller, prices=prices.replacement, today=today)
    last = max((key for key in counts), default=month_key(today))
    reach = months_between(today, date.fromisoformat(f"{last}-01"))
    length = min(max(reach, MIN_MONTHS), MAX_MONTHS)
    months: list[ForecastMonth] = []
    running = spent = Decimal(0)
    shown = months_from(today, length)
    for month in shown:
        key = month_key(month)
        devices, with_dongle = counts.pop(key, (0, 0))
        added = _monthly_cost(prices, devices, with_dongle)
        running += added
        spent += running
        months.append(
            ForecastMonth(
                month=month,
                devices_leaving=devices,
                with_dongle=with_dongle,
                added_monthly_cost=_money(added),
                running_monthly_cost=_money(running),
                spent_so_far=_money(spent),
                updates_ending=replacing.devices(key),
                replacement_cost=_money(replacing.cost(key)),
            )
        )
    return Forecast(
        months=months,
        already_out=already_out[0],
        already_out_with_dongle=already_out[1],
        already_out_monthly_cost=_money(_monthly_cost(prices, *already_out)),
        after_forecast=sum(devices for devices, _ in counts.values()),
        prices=prices,
        replacing=Replacing(
            already_past=replacing.devices(ALREADY),
            already_past_cost=_money(replacing.cost(ALREADY)),
            after_forecast=replacing.after(shown[-1]),
            unpriced_kinds=tuple(replacing.unpriced()),
        ),
    )
