"""Replacing devices whose security updates end: how many of each kind reach their end of
updates in each month of the forecast, and what replacing them costs at the council's price
per kind. The counting is one grouped query over `devices.management_queries.end_of_updates`
(so the dashboard and the forecast count the same devices); the pricing is arithmetic."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, String, case, func, select, type_coerce
from sqlmodel import Session

from devices.management_queries import end_of_updates
from devices.models import Device, DeviceKind
from dfc.caller import Caller
from reporting.dashboard.months import month_key, month_of

ALREADY = ""  # the month key of devices whose updates ended before today
# Far enough to take in every month the forecast can show (at most 60) and more, so the
# devices after it are counted too.
HORIZON_DAYS = 366 * 10


@dataclass(frozen=True)
class Replacements:
    """Devices reaching their end of updates, counted by month key ('' before today) and
    kind, and the prices to replace them (None: the council has set none for that kind)."""

    counts: dict[str, dict[str, int]]
    prices: dict[str, Decimal | None]

    def devices(self, key: str) -> int:
        return sum(self.counts.get(key, {}).values())

    def cost(self, key: str) -> Decimal:
        """What replacing that month's devices costs; kinds without a price count nothing."""
        return sum(
            (
                (self.prices.get(kind) or Decimal(0)) * number
                for kind, number in self.counts.get(key, {}).items()
            ),
            Decimal(0),
        )

    def after(self, last: date) -> int:
        """Devices whose updates end after the forecast's last month."""
        return sum(self.devices(key) for key in self.counts if key and key > month_key(last))

    def unpriced(self) -> list[str]:
        """The kinds with devices to replace and no price set, in the order of DeviceKind."""
        kinds = {kind for by_kind in self.counts.values() for kind in by_kind}
        return [
            kind.value
            for kind in DeviceKind
            if kind.value in kinds and not self.prices.get(kind.value)
        ]


def ending_by_month_and_kind(caller: Caller, *, today: date) -> Select[Any]:
    """(month 'YYYY-MM', or '' for before today; kind; devices) for the devices in service,
    not yet their family's, whose security updates end."""
    rows = end_of_updates(caller, within_days=HORIZON_DAYS, today=today).subquery()
    month = case((rows.c.ends_on < today, ALREADY), else_=month_of(rows.c.ends_on))
    kind = type_coerce(Device.kind, String)
    # Grouped over a subquery's columns: PostgreSQL would see the CASE's two bound copies
    # of `today` as different expressions.
    keyed = (
        select(month.label("month"), kind.label("kind"))
        .select_from(rows)
        .join(Device, Device.id == rows.c.device_id)
        .subquery("keyed")
    )
    return select(keyed.c.month, keyed.c.kind, func.count().label("devices")).group_by(
        keyed.c.month, keyed.c.kind
    )


def replacements(
    session: Session, caller: Caller, *, prices: dict[str, Decimal | None], today: date
) -> Replacements:
    counts: dict[str, dict[str, int]] = {}
    for row in session.execute(ending_by_month_and_kind(caller, today=today)):
        counts.setdefault(row.month, {})[str(row.kind)] = int(row.devices)
    return Replacements(counts=counts, prices=prices)
