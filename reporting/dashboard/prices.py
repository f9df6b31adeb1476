"""The prices a council sets for the forecast: a licence cost per device per year, a data
price per SIM per month and per GB, and what replacing a laptop, Chromebook or tablet costs
once its security updates end. Until it sets a licence cost, the forecast uses what its
licences cost today; a replacement price left empty counts its devices without a cost."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator
from sqlalchemy import func, select
from sqlmodel import Session

from accounts.models import OrganisationKind, Role
from accounts.scoping import scoped
from devices.models import CouncilPrices, DeviceKind, Licence
from devices.models.prices import PLANNED_GB_PER_MONTH
from devices.service.access import actor
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Forbidden, InvalidInput

MONEY_LIMIT = Decimal("100000000")  # NUMERIC(10, 2)
GB_LIMIT = Decimal("100000")  # NUMERIC(7, 2)
LABELS = {
    "licence_per_device_per_year": "the licence cost per device per year",
    "data_per_sim_per_month": "the data price per SIM per month",
    "data_per_gb": "the price per GB",
    "gb_per_month": "the GB per SIM per month",
    "replacement_laptop": "the price of a replacement laptop",
    "replacement_chromebook": "the price of a replacement Chromebook",
    "replacement_tablet": "the price of a replacement tablet",
}
# The replacement price of each kind of device, by its column in council_prices.
REPLACEMENT_FIELDS = {kind.value: f"replacement_{kind.value}" for kind in DeviceKind}


def _amount(name: str, *, limit: Decimal, money: bool) -> BeforeValidator:
    """Parses a typed amount ('£1,250.50' is fine) and says plainly what is wrong with it."""
    label = LABELS[name]
    sentence = label[:1].upper() + label[1:]

    def parse(value: Any) -> Decimal | None:
        if value is None or isinstance(value, Decimal):
            text = "" if value is None else str(value)
        else:
            text = str(value).strip().replace(",", "").removeprefix("£").strip()
        if not text:
            return None
        example = "like 45 or 45.50" if money else "like 3 or 20"
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"Enter {label} as a number, {example}") from None
        if not amount.is_finite():
            raise ValueError(f"Enter {label} as a number, {example}")
        if amount < 0:
            raise ValueError(f"{sentence} cannot be negative")
        if amount >= limit:  # before rounding: a huge number cannot be rounded to pence
            shown = f"£{limit:,}" if money else f"{limit:,}"
            raise ValueError(f"{sentence} must be less than {shown}")
        if amount != amount.quantize(Decimal("0.01")):
            unit = "pence" if money else "2 decimal places"
            raise ValueError(f"Enter {label} to the nearest {'penny' if money else unit}")
        return amount.quantize(Decimal("0.01"))

    return BeforeValidator(parse)


class PricesIn(BaseModel):
    """The prices form. A blank licence cost means "from our licences"; a blank data price
    means we pay nothing for it."""

    licence_per_device_per_year: Annotated[
        Decimal | None, _amount("licence_per_device_per_year", limit=MONEY_LIMIT, money=True)
    ] = None
    data_per_sim_per_month: Annotated[
        Decimal | None, _amount("data_per_sim_per_month", limit=MONEY_LIMIT, money=True)
    ] = None
    data_per_gb: Annotated[
        Decimal | None, _amount("data_per_gb", limit=MONEY_LIMIT, money=True)
    ] = None
    gb_per_month: Annotated[
        Decimal | None, _amount("gb_per_month", limit=GB_LIMIT, money=False)
    ] = None
    replacement_laptop: Annotated[
        Decimal | None, _amount("replacement_laptop", limit=MONEY_LIMIT, money=True)
    ] = None
    replacement_chromebook: Annotated[
        Decimal | None, _amount("replacement_chromebook", limit=MONEY_LIMIT, money=True)
    ] = None
    replacement_tablet: Annotated[
        Decimal | None, _amount("replacement_tablet", limit=MONEY_LIMIT, money=True)
    ] = None


@dataclass(frozen=True)
class Prices:
    """The prices the forecast uses, and where the licence cost came from."""

    licence_per_device_per_year: Decimal
    licence_from_licences: bool
    data_per_sim_per_month: Decimal
    data_per_gb: Decimal
    gb_per_month: Decimal
    saved: CouncilPrices | None
    replacement: dict[str, Decimal | None] = field(default_factory=dict)  # by device kind

    @property
    def licence_per_device_per_month(self) -> Decimal:
        return self.licence_per_device_per_year / 12

    @property
    def data_per_device_per_month(self) -> Decimal:
        return self.data_per_sim_per_month + self.data_per_gb * self.gb_per_month


def licence_cost_from_licences(session: Session, caller: Caller) -> Decimal:
    """What a device's licences cost a year today: for each product the council's schools
    license, its average price per seat (where a price is known), added up."""
    per_product = scoped(
        select(func.avg(Licence.cost_per_seat_per_year).label("price"))
        .where(Licence.cost_per_seat_per_year > 0)
        .group_by(Licence.product),
        caller,
        Licence.organisation_id,
    ).subquery()
    total = session.execute(select(func.coalesce(func.sum(per_product.c.price), 0))).scalar_one()
    return Decimal(str(total)).quantize(Decimal("0.01"))


def saved_prices(session: Session, council_id: int) -> CouncilPrices | None:
    statement = select(CouncilPrices).where(CouncilPrices.council_id == council_id)
    return session.execute(statement).scalar_one_or_none()


def prices_for(session: Session, council: Caller) -> Prices:
    """The council's prices, with the licence cost from its licences if it set none."""
    saved = saved_prices(session, council.organisation_id)
    licence = saved.licence_per_device_per_year if saved else None
    return Prices(
        licence_per_device_per_year=(
            licence if licence is not None else licence_cost_from_licences(session, council)
        ),
        licence_from_licences=licence is None,
        data_per_sim_per_month=saved.data_per_sim_per_month if saved else Decimal(0),
        data_per_gb=saved.data_per_gb if saved else Decimal(0),
        gb_per_month=saved.gb_per_month if saved else PLANNED_GB_PER_MONTH,
        saved=saved,
        replacement={
            kind: getattr(saved, name) if saved else None
            for kind, name in REPLACEMENT_FIELDS.items()
        },
    )


def set_prices(
    session: Session, *, caller: Caller, council: Caller, prices_in: PricesIn
) -> CouncilPrices:
    """Saves the council's prices. `council` is the dashboard scope the caller reached (a
    council officer their own council, a scheme administrator any council)."""
    if not caller.has_role(Role.COUNCIL_OFFICER, Role.SCHEME_ADMIN):
        raise Forbidden("Only council officers and scheme administrators set prices")
    if council.organisation_kind is not OrganisationKind.COUNCIL:
        raise InvalidInput("Choose a council to set its prices", field="council")
    saved = saved_prices(session, council.organisation_id) or CouncilPrices(
        council_id=council.organisation_id, updated_by=actor(caller)
    )
    saved.licence_per_device_per_year = prices_in.licence_per_device_per_year
    saved.data_per_sim_per_month = prices_in.data_per_sim_per_month or Decimal(0)
    saved.data_per_gb = prices_in.data_per_gb or Decimal(0)
    saved.gb_per_month = (
        prices_in.gb_per_month if prices_in.gb_per_month is not None else PLANNED_GB_PER_MONTH
    )
    for name in REPLACEMENT_FIELDS.values():
        setattr(saved, name, getattr(prices_in, name))
    saved.updated_by = actor(caller)
    saved.updated_at = utcnow()
    session.add(saved)
    session.flush()
    return saved
