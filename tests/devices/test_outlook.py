"""The council dashboard's figures, run on the database: what ends by month and by school,
devices by status, the headline counts, the prices and the cost forecast. Another council's
register is built beside each test's, and never counted."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from devices.models import (
    CouncilPrices,
    CoverPeriod,
    CoverProvider,
    DataUsage,
    DeviceRequest,
    DeviceStatus,
    LicenceProduct,
    LicenceSeat,
    OwnerKind,
)
from dfc.caller import Caller
from dfc.errors import Forbidden, InvalidInput, NotFound
from reporting.dashboard.ending import ending_by_month, ending_by_school
from reporting.dashboard.figures import devices_by_status, headlines, sims_at_cap
from reporting.dashboard.forecast import MAX_MONTHS, MIN_MONTHS, forecast
from reporting.dashboard.months import months_between, months_from
from reporting.dashboard.prices import (
    PricesIn,
    licence_cost_from_licences,
    prices_for,
    saved_prices,
    set_prices,
)
from reporting.dashboard.scope import councils_for, dashboard_scope
from tests.devices import factories
from tests.factories import make_admin, make_council, make_school, make_user

TODAY = date(2026, 6, 1)  # 90 days on is 30 August


@dataclass
class Council:
    session: Session
    council: Organisation
    schools: list[Organisation]
    officer: Caller

    def device(self, school: int = 0, cover_until: date | None = None, **changes):
        return factories.make_device(
            self.session, holder=self.schools[school], cover_until=cover_until, **changes
        )

    def licence(self, ends_on: date, *devices, school: int = 0, **changes):
        licence = factories.make_licence(
            self.session, organisation=self.schools[school], ends_on=ends_on, **changes
        )
        on = licence.starts_on
        self.session.add_all(
            LicenceSeat(licence_id=licence.id, device_id=d.id, assigned_on=on) for d in devices
        )
        self.session.commit()
        return licence

    def sim(self, ends: date, device=None, school: int = 0, gb: int = 3):
        return factories.make_dongle_with_sim(
            self.session,
            holder=self.schools[school],
            device=device,
            contract_ends_on=ends,
            gb_per_month=gb,
        )[1]


def build(session: Session) -> Council:
    council = make_council(session)
    schools = [make_school(session, council=council, name=n) for n in ("Ash", "Birch")]
    user = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    return Council(session, council, schools, Caller.for_user(user, council))


@pytest.fixture
def ours(session: Session) -> Council:
    return build(session)


@pytest.fixture
def theirs(session: Session) -> Council:
    """Another council with something of everything, which our figures must never include."""
    other = build(session)
    device = other.device(cover_until=date(2026, 6, 20))
    other.licence(date(2026, 6, 20), device)
    other.sim(date(2026, 6, 20), device)
    session.add(DataUsage(sim_id=other.sim(date(2026, 12, 1)).id, read_on=TODAY, used_mb=9999))
    session.add(
        DeviceRequest(school_id=other.schools[0].id, quantity=5, reason="x", requested_on=TODAY)
    )
    session.commit()
    return other


def test_what_ends_is_counted_by_month_over_every_month_of_the_window(session, ours, theirs):
    june, july, late_august = date(2026, 6, 10), date(2026, 7, 31), date(2026, 8, 30)
    a, b, c = (ours.device(cover_until=day) for day in (june, june, late_august))
    ours.device(cover_until=date(2026, 8, 31))  # a day outside 90 days
    ours.licence(july, a, b, c)
    ours.licence(july)  # no seats in use
    ours.sim(june, a), ours.sim(late_august, school=1)
    months = ending_by_month(session, ours.officer, within_days=90, today=TODAY)
    assert [
        (
            m.month,
            m.devices_cover_ending,
            m.licences_ending,
            m.licence_seats_ending,
            m.sims_ending,
        )
        for m in months
    ] == [
        (date(2026, 6, 1), 2, 0, 0, 1),
        (date(2026, 7, 1), 0, 2, 3, 0),
        (date(2026, 8, 1), 1, 0, 0, 1),
    ]
    thirty = ending_by_month(session, ours.officer, within_days=30, today=TODAY)
    assert [m.month for m in thirty] == [date(2026, 6, 1), date(2026, 7, 1)]  # to 1 July


def test_what_ends_is_counted_by_school_and_only_for_our_schools(session, ours, theirs):
    ash = [ours.device(cover_until=date(2026, 6, 10)) for _ in range(2)]
    ours.licence(date(2026, 7, 1), *ash)
    ours.sim(date(2026, 7, 1), school=1)
    ours.device(school=1, cover_until=date(2027, 1, 1))  # outside the window
    rows = session.execute(ending_by_school(ours.officer, within_days=90, today=TODAY)).all()
    found = {
        row.organisation: (
            row.devices_cover_ending,
            row.licences_ending,
            row.licence_seats_ending,
            row.sims_ending,
        )
        for row in rows
    }
    assert found == {"Ash": (2, 1, 2, 0), "Birch": (0, 0, 0, 1)}


def test_devices_by_status_leave_out_family_owned_devices_and_other_councils(session, ours, theirs):
    for status in (DeviceStatus.IN_STOCK, DeviceStatus.IN_STOCK, DeviceStatus.WITH_FAMILY):
        ours.device(status=status)
    owned = ours.device(school=1, status=DeviceStatus.WITH_FAMILY)
    owned.owner_kind = OwnerKind.FAMILY
    session.add(owned)
    session.commit()
    rows = session.execute(devices_by_status(ours.officer)).all()
    assert {row.status: int(row.devices) for row in rows} == {
        DeviceStatus.IN_STOCK: 2,
        DeviceStatus.WITH_FAMILY: 1,
    }
    figures = headlines(session, ours.officer, today=TODAY)
    assert (figures.devices_in_service, figures.owned_by_families) == (4, 1)


def test_headlines_count_short_of_cover_sims_at_cap_and_unmet_demand(session, ours, theirs):
    covered = ours.device()
    ours.licence(date(2030, 1, 1), covered)
    ours.device()  # no licence at all: short of cover
    at_cap, under = ours.sim(date(2026, 12, 1)), ours.sim(date(2026, 12, 1))
    session.add_all(
        [
            DataUsage(sim_id=at_cap.id, read_on=TODAY, used_mb=3 * 1024),
            DataUsage(sim_id=under.id, read_on=TODAY, used_mb=3 * 1024 - 1),
            DeviceRequest(
                school_id=ours.schools[1].id,
                quantity=7,
                quantity_fulfilled=3,
                reason="x",
                requested_on=TODAY,
            ),
        ]
    )
    session.commit()
    figures = headlines(session, ours.officer, today=TODAY)
    assert (figures.short_of_cover, figures.sims_at_cap, figures.devices_unmet) == (1, 1, 4)
    rows = session.execute(sims_at_cap(ours.officer, today=TODAY)).all()
    assert [(row.sim_id, row.school) for row in rows] == [(at_cap.id, "Ash")]


def test_the_licence_cost_defaults_to_each_products_average_seat_price(session, ours, theirs):
    ours.licence(date(2027, 1, 1), cost=Decimal("10.00"))
    ours.licence(date(2027, 1, 1), cost=Decimal("20.00"), school=1)
    ours.licence(date(2027, 1, 1), cost=Decimal("0"))  # price unknown: left out
    ours.licence(date(2027, 1, 1), cost=Decimal("7.25")).product = LicenceProduct.ANTIVIRUS
    session.commit()
    assert licence_cost_from_licences(session, ours.officer) == Decimal("22.25")
    prices = prices_for(session, ours.officer)
    assert prices.licence_per_device_per_year == Decimal("22.25")
    assert prices.licence_from_licences and prices.saved is None


def test_prices_are_saved_once_per_council_and_replace_the_licence_default(session, ours):
    officer = ours.officer
    prices_in = PricesIn(licence_per_device_per_year="120", data_per_sim_per_month="£1,000.50")
    set_prices(session, caller=officer, council=officer, prices_in=prices_in)
    set_prices(
        session,
        caller=officer,
        council=officer,
        prices_in=PricesIn(licence_per_device_per_year="60", data_per_gb="2.5", gb_per_month="20"),
    )
    session.commit()
    saved = saved_prices(session, ours.council.id)
    assert saved is not None and saved.updated_by.startswith("Test User")
    prices = prices_for(session, officer)
    assert (prices.licence_per_device_per_year, prices.licence_from_licences) == (60, False)
    assert prices.data_per_sim_per_month == 0 and prices.data_per_device_per_month == 50
    assert len(session.exec(select(CouncilPrices)).all()) == 1


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("-1", "cannot be negative"),
        ("1.005", "nearest penny"),
        ("ten pounds", "as a number"),
        ("NaN", "as a number"),
        ("100000000", "must be less than £100,000,000"),
        ("1e30", "must be less than £100,000,000"),  # too big to round to pence
    ],
)
def test_a_price_must_be_money_not_negative_and_to_the_penny(typed, problem):
    with pytest.raises(ValidationError) as raised:
        PricesIn(data_per_gb=typed)
    assert raised.value.errors()[0]["loc"] == ("data_per_gb",)
    assert problem in raised.value.errors()[0]["msg"]


def test_only_officers_and_admins_set_prices_and_only_for_a_council(session, ours):
    school = make_school(session, council=ours.council)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    with pytest.raises(Forbidden):
        set_prices(
            session,
            caller=Caller.for_user(staff, school),
            council=ours.officer,
            prices_in=PricesIn(),
        )
    admin = make_admin(session)
    scheme = Caller.for_user(admin, session.get(Organisation, admin.organisation_id))
    with pytest.raises(InvalidInput):
        set_prices(session, caller=scheme, council=scheme, prices_in=PricesIn())


def test_the_dashboard_scope_is_the_officers_council_or_the_one_an_admin_chooses(
    session, ours, theirs
):
    assert dashboard_scope(session, ours.officer, None).council.id == ours.council.id
    with pytest.raises(NotFound):
        dashboard_scope(session, ours.officer, theirs.council.id)
    admin = make_admin(session)
    scheme = Caller.for_user(admin, session.get(Organisation, admin.organisation_id))
    assert dashboard_scope(session, scheme, None).council is None
    chosen = dashboard_scope(session, scheme, theirs.council.id).caller
    assert (chosen.organisation_id, chosen.role) == (theirs.council.id, Role.SCHEME_ADMIN)
    with pytest.raises(NotFound):
        dashboard_scope(session, scheme, theirs.schools[0].id)  # a school is not a council
    assert [id for id, _ in councils_for(session, scheme)] == sorted(
        [ours.council.id, theirs.council.id],
        key=lambda i: session.get(Organisation, i).name,
    )


def central(ours: Council, until: date | None, *, school: int = 0, dongle: bool = False, **kw):
    device = ours.device(school=school, cover_until=until, **kw)
    if dongle:
        ours.sim(date(2027, 1, 1), device, school=school)
    return device


def test_the_forecast_prices_each_month_from_the_devices_leaving_central_support(
    session, ours, theirs
):
    central(ours, date(2026, 6, 30))
    central(ours, date(2026, 6, 15), dongle=True)
    central(ours, date(2026, 8, 1), school=1, dongle=True)
    central(ours, date(2026, 5, 31))  # already out, not in the months
    central(ours, date(2026, 7, 1), status=DeviceStatus.RETIRED)
    central(ours, None)  # the scheme never supported it
    open_ended = central(ours, date(2026, 7, 1))
    session.add(
        CoverPeriod(
            device_id=open_ended.id,
            provider=CoverProvider.NATIONAL_SCHEME,
            starts_on=date(2026, 7, 2),
        )
    )
    # a council period after central support does not change when central support ends
    later = central(ours, date(2026, 7, 10))
    session.add(
        CoverPeriod(
            device_id=later.id,
            provider=CoverProvider.COUNCIL,
            starts_on=date(2026, 7, 11),
            ends_on=date(2029, 1, 1),
        )
    )
    session.commit()
    set_prices(
        session,
        caller=ours.officer,
        council=ours.officer,
        prices_in=PricesIn(
            licence_per_device_per_year="120", data_per_sim_per_month="5", data_per_gb="1"
        ),
    )  # £10 a month a device; £5 + 3 GB at £1 = £8 a month a dongle
    prices = prices_for(session, ours.officer)
    outlook = forecast(session, ours.officer, prices=prices, today=TODAY)
    assert len(outlook.months) == MIN_MONTHS and outlook.months[0].month == date(2026, 6, 1)
    first_three = [
        (m.devices_leaving, m.with_dongle, m.added_monthly_cost, m.running_monthly_cost)
        for m in outlook.months[:3]
    ]
    assert first_three == [(2, 1, 28, 28), (1, 0, 10, 38), (1, 1, 18, 56)]
    assert [m.spent_so_far for m in outlook.months[:3]] == [28, 66, 122]
    assert outlook.months[-1].running_monthly_cost == 56 == outlook.final_monthly_cost
    assert outlook.total_spent == 28 + 38 + 56 * 22
    assert (outlook.already_out, outlook.already_out_monthly_cost) == (1, 10)
    assert outlook.total_leaving == 4 and outlook.after_forecast == 0


def test_the_forecast_runs_on_to_the_last_central_support_but_not_past_five_years(session, ours):
    central(ours, date(2028, 12, 15))
    prices = prices_for(session, ours.officer)
    outlook = forecast(session, ours.officer, prices=prices, today=TODAY)
    assert outlook.months[-1].month == date(2028, 12, 1)
    assert len(outlook.months) == months_between(TODAY, date(2028, 12, 15)) == 31
    central(ours, date(2040, 1, 1))
    outlook = forecast(session, ours.officer, prices=prices, today=TODAY)
    assert len(outlook.months) == MAX_MONTHS and outlook.after_forecast == 1


def test_months_run_across_the_new_year():
    assert months_from(date(2026, 11, 20), 3) == [
        date(2026, 11, 1),
        date(2026, 12, 1),
        date(2027, 1, 1),
    ]
    assert months_between(date(2026, 11, 30), date(2027, 2, 1)) == 4
