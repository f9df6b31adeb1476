"""The open datasets' figures, per council and per school, checked against a register made
in the test (tests/open_data/scenario.py), and checked to give nobody away."""

from datetime import date

import pytest
from sqlalchemy import Column, Table
from sqlalchemy.sql import visitors
from sqlmodel import Session

from dfc.personal_data.marks import mark_of
from dfc.settings import get_settings
from reporting.open_data import queries
from reporting.open_data.datasets import Dataset, build_datasets
from reporting.open_data.period import BadMonth, Period, last_complete_month, parse_month
from tests.open_data import scenario
from tests.open_data.checks import lines_with_one_hidden, recoverable, small_published


@pytest.fixture
def datasets(session: Session) -> dict[str, Dataset]:
    scenario.build(session)
    built = build_datasets(session, scenario.MONTH, zone=get_settings().zone)
    return {dataset.spec.name: dataset for dataset in built}


def row(dataset: Dataset, council: str, row_type: str, school: str = "", **keys: str) -> dict:
    found = [
        {**r.keys, **r.values}
        for r in dataset.rows
        if r.keys["council_name"] == council
        and r.keys["row_type"] == row_type
        and r.keys["school_name"] == school
        and all(r.keys[key] == value for key, value in keys.items())
    ]
    assert len(found) == 1, f"{len(found)} rows for {council} {row_type} {school} {keys}"
    return found[0]


def test_devices_are_counted_by_holder_kind_and_status(datasets):
    devices = datasets["devices-by-status"]
    alpha = row(devices, "Camden", "school", "Alpha Primary", device_kind="laptop")
    # 7 in stock plus the 8 whose support ends later; the 30 received in October are not in.
    assert alpha["in_stock"] == 15 and alpha["total"] == 23
    assert alpha["in_repair"] is None  # 2: suppressed
    assert alpha["with_family"] is None  # 6, hidden beside the 2 in the same row
    beta = row(devices, "Camden", "school", "Beta Academy", device_kind="laptop")
    assert beta["in_stock"] == 25 and beta["total"] == 31 and beta["owned_by_family"] is None
    held = row(devices, "Camden", "council-held", device_kind="laptop")
    assert held["in_stock"] == 16 and held["total"] == 16
    total = row(devices, "Camden", "council-total", device_kind="laptop")
    assert total["in_stock"] == 56 and total["total"] == 70 and total["stolen"] == 0
    delta = row(devices, "Hackney", "school", "Delta High", device_kind="laptop")
    assert delta["in_stock"] == 20
    # Gamma's single tablet shows nowhere, not even in the council's total.
    tablets = row(devices, "Camden", "council-total", device_kind="tablet")
    assert tablets["in_stock"] is None and tablets["total"] is None
    # A council with nothing of a kind still has its total row, of zeros.
    assert row(devices, "Hackney", "council-total", device_kind="chromebook")["total"] == 0


def test_the_unsuppressed_tables_hold_exactly_the_register(datasets):
    devices = datasets["devices-by-status"]
    laptops = devices.tables[0].table  # Camden comes first by name, laptops first by kind
    columns = [column.name for column in devices.spec.columns]
    alpha = dict(zip(columns, laptops.cells[0], strict=True))
    assert alpha == {**dict.fromkeys(columns, 0), "in_stock": 15, "with_family": 6, "in_repair": 2}
    beta = dict(zip(columns, laptops.cells[1], strict=True))
    assert (beta["in_stock"], beta["allocated"], beta["owned_by_family"]) == (25, 5, 1)


def test_cover_ending_counts_the_12_months_after_the_month(datasets):
    cover = datasets["cover-ending"]
    assert [c.name for c in cover.spec.columns][:3] == ["2026-10", "2026-11", "2026-12"]
    beta = row(cover, "Camden", "school", "Beta Academy", measure="support")
    # 8 end in November; the 5 ending in September itself are not ahead of the month.
    assert beta["2026-11"] == 8 and beta["total"] == 8
    alpha = row(cover, "Camden", "school", "Alpha Primary", measure="support")
    assert alpha["total"] == 8 and alpha["2026-12"] is None
    seats = row(cover, "Camden", "council-held", measure="licence_seats")
    assert seats["2027-03"] == 7 and seats["total"] == 7
    sims = row(cover, "Camden", "council-total", measure="sim_contracts")
    assert sims["2027-05"] == 20
    assert row(cover, "Camden", "school", "Beta Academy", measure="sim_contracts")["2027-05"] == 12


def test_connectivity_counts_sims_and_data_and_hides_gb_where_sims_are_hidden(datasets):
    connectivity = datasets["connectivity"]
    beta = row(connectivity, "Camden", "school", "Beta Academy")
    # 12 SIMs, each 2,048 MB in September (August's reading is not September's use).
    assert beta["sims_active"] == 12 and beta["gb_used"] == 24.0
    assert beta["dongles_in_stock"] == 12 and beta["dongles_in_use"] == 0
    alpha = row(connectivity, "Camden", "school", "Alpha Primary")
    assert alpha["sims_active"] is None and alpha["gb_used"] is None
    gamma = row(connectivity, "Camden", "school", "Gamma School")
    assert gamma["sims_active"] is None and gamma["gb_used"] is None  # second to Alpha's 2
    total = row(connectivity, "Camden", "council-total")
    assert total["sims_active"] == 20 and total["gb_used"] == 31.0
    assert "total" not in total  # the columns are different things: never added across


def test_tickets_are_counted_in_the_london_month_by_language_and_category(datasets):
    languages, categories = datasets["tickets-by-language"], datasets["tickets-by-category"]
    # Beta: 9 in English, 1 in French (as other) at 00:30 on 1 September London time;
    # the 3 at 00:30 on 1 October London time are October's.
    assert row(languages, "Camden", "school", "Beta Academy")["total"] == 10
    assert row(categories, "Camden", "school", "Beta Academy")["other"] == 10
    assert row(languages, "Camden", "school", "Alpha Primary")["total"] == 7
    assert row(languages, "Camden", "council-total")["total"] == 17
    # Hackney's one ticket (its merged duplicate is not counted) is suppressed everywhere.
    assert row(languages, "Hackney", "council-total")["total"] is None
    hackney = languages.tables[1].table
    assert hackney.value((hackney.height, hackney.width)) == 1


def test_the_two_ticket_tables_hide_the_same_totals(datasets):
    languages, categories = datasets["tickets-by-language"], datasets["tickets-by-category"]
    for first, second in zip(languages.rows, categories.rows, strict=True):
        assert first.keys == second.keys
        assert (first.values["total"] is None) == (second.values["total"] is None)


def test_unmet_demand_counts_what_was_asked_for_by_the_month_and_not_given(datasets):
    unmet = datasets["unmet-demand"]
    camden = unmet.tables[0].table
    # Alpha: 10 asked, 3 given, and 6 declined (the need was real); Beta: 2 tablets. The
    # 40 asked for in October are not in; Delta's request was met.
    assert camden.cells == ((13, 0, 0), (0, 2, 0))
    assert row(unmet, "Camden", "council-total")["total"] == 15
    assert row(unmet, "Camden", "school", "Beta Academy")["tablet"] is None
    assert row(unmet, "Hackney", "council-total")["total"] == 0


def test_no_published_figure_is_from_1_to_4_or_can_be_worked_out(datasets):
    for dataset in datasets.values():
        assert dataset.tables, dataset.spec.name
        for result in dataset.tables:
            hidden = set(result.hidden)
            assert not small_published(result.table, hidden), dataset.spec.name
            assert not lines_with_one_hidden(result.table, hidden), dataset.spec.name
            assert not recoverable(result.table, hidden), dataset.spec.name
        for published in dataset.rows:
            for name, value in published.values.items():
                if isinstance(value, int) and name != "gb_used":
                    assert not 1 <= value <= 4, (dataset.spec.name, published)


def test_nothing_personal_is_published(datasets):
    text = repr([(r.keys, r.values) for d in datasets.values() for r in d.rows])
    assert scenario.PUPIL_REFERENCE not in text and scenario.PHONE not in text
    for dataset in datasets.values():
        names = {column.name for column in dataset.fields}
        assert not names & {"family_id", "pupil_reference", "phone_number", "body", "email"}


def test_the_month_is_a_month_that_has_ended():
    assert last_complete_month(date(2026, 1, 15)) == Period(date(2025, 12, 1))
    assert parse_month("2026-09", today=date(2026, 10, 1)).last == date(2026, 9, 30)
    with pytest.raises(BadMonth, match="not over yet"):
        parse_month("2026-10", today=date(2026, 10, 31))
    with pytest.raises(BadMonth, match="YYYY-MM"):
        parse_month("2026-13", today=date(2026, 10, 31))
    with pytest.raises(BadMonth, match="YYYY-MM"):
        parse_month("../etc", today=date(2026, 10, 31))


def test_the_queries_read_no_column_marked_personal():
    """Every column any open data query touches is marked not personal in its model (the
    data inventory's marks), so nothing personal can reach a count, let alone a file."""
    period = scenario.MONTH
    statements = [
        queries.devices_by_status(period),
        queries.cover_ending(period),
        queries.dongles(period),
        queries.sims_active(period),
        queries.mb_used(period),
        queries.tickets(period, get_settings().zone, by="language"),
        queries.tickets(period, get_settings().zone, by="category"),
        queries.unmet_demand(period),
        queries.past_end_of_updates(period),
        queries.councils(),
        queries.places(),
    ]
    read = {
        element
        for statement in statements
        for element in visitors.iterate(statement, {"column_collections": False})
        if isinstance(element, Column) and isinstance(element.table, Table)
    }
    assert {"ticket.language", "device.status", "data_usage.used_mb"} <= {str(c) for c in read}
    marked_personal = [str(c) for c in read if (mark_of(c) is None or mark_of(c).personal)]
    assert marked_personal == []
