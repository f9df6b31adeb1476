"""The council dashboard's reports, run straight on the database: what ends soon, what is
short of three years' cover, where demand is unmet; each lists exactly what it should."""

from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlmodel import Session

from accounts.models import Organisation, Role
from devices import queries
from devices.models import (
    CoverPeriod,
    CoverProvider,
    DataAllowance,
    DataUsage,
    Device,
    DeviceRequest,
    DeviceStatus,
    Dongle,
    LicenceProduct,
    LicenceSeat,
    OwnerKind,
    RequestStatus,
)
from dfc.caller import Caller
from tests.devices import factories
from tests.factories import make_council, make_school, make_user

TODAY, YESTERDAY, SOON = date(2026, 6, 1), date(2026, 5, 31), date(2026, 6, 15)
EDGE, OUTSIDE = date(2026, 7, 1), date(2026, 7, 2)  # the last day of 30 from TODAY, and the next
IN_STOCK, WITH_FAMILY = DeviceStatus.IN_STOCK, DeviceStatus.WITH_FAMILY
RETIRED, NOBODY, COUNCIL = DeviceStatus.RETIRED, CoverProvider.NOBODY, CoverProvider.COUNCIL


@dataclass
class World:
    """A council officer and one of their schools, whose register each test builds."""

    session: Session
    council: Organisation
    school: Organisation
    officer: Caller = field(init=False)

    def __post_init__(self) -> None:
        user = make_user(self.session, organisation=self.council, role=Role.COUNCIL_OFFICER)
        self.officer = Caller.for_user(user, self.council)

    def add(self, *rows) -> None:
        self.session.add_all(rows)
        self.session.commit()

    def rows(self, statement) -> list:
        return self.session.execute(statement).all()

    def found(self, statement, column: str = "device_id") -> set:
        return {getattr(row, column) for row in self.rows(statement)}

    def device(self, cover_until: date | None = SOON, **changes) -> Device:
        session, school = self.session, self.school
        return factories.make_device(session, holder=school, cover_until=cover_until, **changes)

    def period(self, device: Device, by: CoverProvider, starts: date, ends=None) -> None:
        self.add(CoverPeriod(device_id=device.id, provider=by, starts_on=starts, ends_on=ends))

    def licence(self, ends_on: date, *devices: Device, **changes):
        """A licence held by the school, with a seat for each of `devices`."""
        session, school = self.session, self.school
        new = factories.make_licence(session, organisation=school, ends_on=ends_on, **changes)
        on = new.starts_on
        self.add(*(LicenceSeat(licence_id=new.id, device_id=d.id, assigned_on=on) for d in devices))
        return new

    def sim(self, ends: date, device: Device | None = None, gb: int = 3, **used_mb: int):
        """A dongle (paired with `device`) and its SIM; `used_mb` maps `on_DD` to June readings."""
        _, sim = factories.make_dongle_with_sim(
            self.session, holder=self.school, device=device, contract_ends_on=ends, gb_per_month=gb
        )
        readings = [(date(2026, 6, int(day[3:])), mb) for day, mb in used_mb.items()]
        self.add(*(DataUsage(sim_id=sim.id, read_on=on, used_mb=mb) for on, mb in readings))
        return sim

    def request(self, school: Organisation, asked: int, given: int = 0, **changes) -> None:
        values = {"quantity": asked, "quantity_fulfilled": given, "requested_on": TODAY}
        self.add(DeviceRequest(school_id=school.id, reason="Pupils share", **values, **changes))


@pytest.fixture
def world(session: Session) -> World:
    council = make_council(session)
    return World(session, council, make_school(session, council=council))


def ids(*rows) -> set[int]:
    return {row.id for row in rows}


def test_support_ending_lists_the_window_edges_and_only_devices_with_nobody_after(world):
    ends_today, on_the_edge, _, _ = map(world.device, (TODAY, EDGE, OUTSIDE, YESTERDAY))
    then_nobody, then_the_council = world.device(), world.device()
    world.period(then_nobody, NOBODY, date(2026, 6, 16))
    world.period(then_the_council, COUNCIL, date(2026, 6, 16), date(2029, 1, 4))
    world.device(status=RETIRED), world.device(status=DeviceStatus.LOST)
    world.period(world.device(None), NOBODY, date(2026, 1, 5), SOON)  # nobody's "support" ends
    rows = world.rows(queries.cover_ending(world.officer, within_days=30, today=TODAY))
    assert {row.device_id for row in rows} == ids(ends_today, on_the_edge, then_nobody)
    edge = next(row for row in rows if row.device_id == on_the_edge.id)
    assert (edge.provider, edge.ends_on) == (CoverProvider.NATIONAL_SCHEME, EDGE)


def test_a_device_whose_supplier_support_runs_on_is_not_listed_as_support_ending(world):
    device = world.device(cover_until=SOON)
    world.period(device, CoverProvider.SUPPLIER, device.received_on, date(2029, 1, 4))
    assert world.found(queries.cover_ending(world.officer, within_days=30, today=TODAY)) == set()


def test_unsupported_means_no_period_covers_today_or_only_nobody_does(world):
    lapsed_yesterday, _covered_to_today = world.device(YESTERDAY), world.device(TODAY)
    never_supported, left_to_nobody, starts_tomorrow, open_ended = (
        world.device(None, status=WITH_FAMILY) for _ in range(4)
    )
    world.period(left_to_nobody, NOBODY, date(2026, 1, 5))
    world.period(starts_tomorrow, CoverProvider.SCHOOL, date(2026, 6, 2))
    world.period(open_ended, COUNCIL, date(2026, 1, 5))
    world.device(None, status=RETIRED), world.device(None, status=DeviceStatus.STOLEN)
    unsupported = world.found(queries.unsupported(world.officer, today=TODAY))
    assert unsupported == ids(lapsed_yesterday, never_supported, left_to_nobody, starts_tomorrow)


def test_licences_ending_skips_renewed_terms_and_costs_the_seats_in_use(world):
    devices = [world.device() for _ in range(3)]
    on_the_edge, unused = world.licence(EDGE, *devices), world.licence(SOON)
    renewed = world.licence(SOON, *devices)
    next_term = world.licence(date(2027, 6, 15), *devices, starts_on=date(2026, 6, 16))
    next_term.renewed_from_id = renewed.id
    world.session.commit()
    world.licence(OUTSIDE, *devices), world.licence(YESTERDAY, *devices)
    rows = world.rows(queries.licences_ending(world.officer, within_days=30, today=TODAY))
    # three seats in use at £12.50 a seat a year
    expected = {on_the_edge.id: (3, pytest.approx(37.5)), unused.id: (0, 0)}
    assert {row.licence_id: (row.seats_used, row.annual_cost) for row in rows} == expected


def test_dongle_contracts_ending_name_the_dongle_and_the_device_it_serves(world):
    laptop = world.device()
    on_the_edge, ends_today = world.sim(EDGE, laptop), world.sim(TODAY)
    world.sim(OUTSIDE, laptop), world.sim(YESTERDAY, laptop)
    rows = world.rows(queries.dongle_contracts_ending(world.officer, within_days=30, today=TODAY))
    assert {row.sim_id: (row.dongle_id, row.device_id) for row in rows} == {
        on_the_edge.id: (on_the_edge.dongle_id, laptop.id),
        ends_today.id: (ends_today.dongle_id, None),
    }


def test_sims_over_allowance_use_this_months_highest_reading_and_the_allowance_in_force(world):
    exactly_80_percent = world.sim(EDGE, gb=5, on_10=4096)  # 4096 MB is 80% of 5 GB
    world.sim(EDGE, gb=5, on_10=4095)
    climbing = world.sim(EDGE, on_05=1000, on_15=2600)
    uplifted_this_month = world.sim(EDGE, on_10=3000)
    uplift_next_month = world.sim(EDGE, on_10=3000)
    world.sim(date(2026, 6, 19), on_10=3000)  # the contract has ended
    over_last_month = world.sim(EDGE, on_02=100)
    world.add(
        DataUsage(sim_id=over_last_month.id, read_on=YESTERDAY, used_mb=5000),
        DataAllowance(sim_id=uplifted_this_month.id, gb_per_month=10, effective_from=TODAY),
        DataAllowance(sim_id=uplift_next_month.id, gb_per_month=10, effective_from=EDGE),
    )
    statement = queries.sims_over_allowance(world.officer, percent=80, today=date(2026, 6, 20))
    rows = {row.sim_id: row for row in world.rows(statement)}
    assert {sim: (row.used_mb, int(row.gb_per_month)) for sim, row in rows.items()} == {
        exactly_80_percent.id: (4096, 5),
        climbing.id: (2600, 3),
        uplift_next_month.id: (3000, 3),
    }
    assert rows[exactly_80_percent.id].percent_used == pytest.approx(80)


def test_three_year_cover_needs_licences_and_connectivity_until_three_years_after_receipt(world):
    def licensed_until(ends_on: str) -> Device:
        device = world.device()  # received on 2026-01-05: needs cover until 2029-01-05
        world.licence(date.fromisoformat(ends_on), device, starts_on=device.received_on)
        return device

    to_2028_12_31, a_day_short = licensed_until("2028-12-31"), licensed_until("2029-01-04")
    on_the_day, to_2029_01_31 = licensed_until("2029-01-05"), licensed_until("2029-01-31")
    sim_ends_early, sim_runs_on = licensed_until("2029-01-31"), licensed_until("2029-01-31")
    world.sim(date(2026, 6, 30), sim_ends_early), world.sim(date(2029, 2, 1), sim_runs_on)
    renewed = licensed_until("2026-12-31")
    world.licence(date(2029, 12, 31), renewed, starts_on=date(2027, 1, 1))
    unlicensed, _retired = world.device(), world.device(status=RETIRED)
    statement = queries.short_of_three_year_cover(world.officer)
    short = {row.device_id: row for row in world.rows(statement)}
    assert set(short) == ids(to_2028_12_31, a_day_short, unlicensed, sim_ends_early)
    row = short[to_2028_12_31.id]
    needed = (row.received_on, row.cover_needed_until, row.licence_cover_until)
    assert needed == (date(2026, 1, 5), date(2029, 1, 5), date(2028, 12, 31))
    assert short[sim_ends_early.id].connectivity_cover_until == date(2026, 6, 30)
    assert short[unlicensed.id].licence_cover_until is None
    assert ids(on_the_day, to_2029_01_31, sim_runs_on, renewed).isdisjoint(short)


def test_a_device_with_one_licence_short_of_three_years_is_short_whatever_else_it_holds(world):
    device = world.device()
    world.licence(date(2026, 12, 31), device)
    management = world.licence(date(2029, 1, 31), device)
    management.product = LicenceProduct.DEVICE_MANAGEMENT
    world.session.commit()
    assert world.found(queries.short_of_three_year_cover(world.officer)) == {device.id}


def test_three_years_from_29_february_end_on_28_february_on_every_database(world):
    device = world.device(received_on=date(2024, 2, 29))
    world.licence(date(2027, 2, 28), device, starts_on=date(2024, 2, 29))
    world.sim(date(2027, 2, 28), device)
    assert world.found(queries.short_of_three_year_cover(world.officer)) == set()


def test_without_connectivity_lists_families_without_broadband_or_a_dongle(world):
    offline = factories.make_family(world.session, school=world.school, home_broadband=False)
    online = factories.make_family(world.session, school=world.school)

    def allocate(family, device=None, **changes):
        device = device or world.device()
        return factories.make_allocation(world.session, device=device, family=family, **changes)

    cut_off, _has_broadband = allocate(offline), allocate(online)
    allocate(offline, dongle=world.session.get(Dongle, world.sim(EDGE).dongle_id))
    with_paired_dongle = world.device()
    world.sim(EDGE, with_paired_dongle), allocate(offline, with_paired_dongle)
    allocate(offline).returned_on = date(2026, 3, 1)
    world.session.commit()
    rows = world.rows(queries.without_connectivity(world.officer))
    assert [tuple(row)[:3] for row in rows] == [(cut_off.device_id, offline.id, world.school.id)]


def test_unmet_demand_sums_what_was_not_provided_declined_too_by_school_and_council(world):
    school = world.school
    neighbour, satisfied = (make_school(world.session, council=world.council) for _ in range(2))
    world.request(school, 10, 4, status=RequestStatus.APPROVED)
    world.request(school, 5, status=RequestStatus.DECLINED)
    world.request(neighbour, 3, 1)
    world.request(satisfied, 3, 3, status=RequestStatus.FULFILLED)
    by_school = world.rows(queries.unmet_demand(world.officer, by="school"))
    assert {tuple(row) for row in by_school} == {(school.id, 11, 2), (neighbour.id, 2, 1)}
    by_council = world.rows(queries.unmet_demand(world.officer, by="council"))
    assert [tuple(row) for row in by_council] == [(world.council.id, 13, 4)]


def test_stock_by_status_leaves_out_devices_the_family_owns(world):
    for status in [IN_STOCK, IN_STOCK, WITH_FAMILY, WITH_FAMILY, WITH_FAMILY, RETIRED]:
        world.device(status=status)
    world.device(status=WITH_FAMILY).owner_kind = OwnerKind.FAMILY
    world.session.commit()
    school = world.school.id
    expected = {(school, IN_STOCK, 2), (school, WITH_FAMILY, 3), (school, RETIRED, 1)}
    assert set(map(tuple, world.rows(queries.stock_by_status(world.officer)))) == expected


def one_of_everything(world: World) -> None:
    """A row for every report, held by the world's school."""
    world.device(), world.device(cover_until=date(2026, 5, 1)), world.licence(SOON)
    world.sim(SOON, on_01=3000), world.request(world.school, 5)
    family = factories.make_family(world.session, school=world.school, home_broadband=False)
    factories.make_allocation(world.session, device=world.device(), family=family)


def test_a_council_officer_never_sees_another_councils_rows_in_any_report(session, world):
    one_of_everything(world)
    other_council = make_council(session)
    one_of_everything(World(session, other_council, make_school(session, council=other_council)))
    reports = [
        ("holder_id", queries.cover_ending(world.officer, within_days=30, today=TODAY)),
        ("holder_id", queries.unsupported(world.officer, today=TODAY)),
        ("organisation_id", queries.licences_ending(world.officer, within_days=30, today=TODAY)),
        ("holder_id", queries.dongle_contracts_ending(world.officer, within_days=30, today=TODAY)),
        ("holder_id", queries.sims_over_allowance(world.officer, percent=80, today=TODAY)),
        ("holder_id", queries.short_of_three_year_cover(world.officer)),
        ("school_id", queries.without_connectivity(world.officer)),
        ("school_id", queries.unmet_demand(world.officer, by="school")),
        ("council_id", queries.unmet_demand(world.officer, by="council")),
        ("holder_id", queries.stock_by_status(world.officer)),
    ]
    for column, statement in reports:
        expected = world.council.id if column == "council_id" else world.school.id
        assert world.found(statement, column) == {expected}, statement
