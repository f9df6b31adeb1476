"""Incident counts per school and family: on the council's dashboard (live, and from the
daily figures, the same), and in the open data, where small numbers are suppressed."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session

from accounts.models import Role
from devices.models import Incident, IncidentKind, IncidentStatus
from dfc.settings import get_settings
from reporting.dashboard.summaries import refresh_summaries
from reporting.open_data.catalogue import DATASET_NAMES
from reporting.open_data.datasets import build_datasets
from tests.devices.factories import make_family
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages
from tests.open_data.checks import lines_with_one_hidden, recoverable, small_published
from tests.open_data.scenario import MONTH, add_devices
from tests.open_data.test_datasets import row

SEPTEMBER = date(2026, 9, 10)


def _incidents(
    session: Session, school, kind: IncidentKind, number: int, *, family=None, on=SEPTEMBER
):
    devices = add_devices(session, school, number)
    session.add_all(
        Incident(
            device_id=device.id,
            holder_id=school.id,
            family_id=family.id if family else None,
            kind=kind,
            happened_on=on,
            description="secret description",
            recorded_by="test",
            status=IncidentStatus.OPEN,
        )
        for device in devices
    )
    session.commit()


@pytest.fixture
def register(session: Session):
    camden, hackney = make_council(session, name="Camden"), make_council(session, name="Hackney")
    alpha = make_school(session, council=camden, name="Alpha Primary")
    beta = make_school(session, council=camden, name="Beta Academy")
    make_school(session, council=hackney, name="Delta High")
    repeat = make_family(session, school=alpha)
    _incidents(session, alpha, IncidentKind.DAMAGE, 9)
    _incidents(session, alpha, IncidentKind.DAMAGE, 2, family=repeat)
    _incidents(session, alpha, IncidentKind.THEFT, 6)
    _incidents(session, beta, IncidentKind.LOSS, 7)
    _incidents(session, beta, IncidentKind.THEFT, 2)
    _incidents(session, beta, IncidentKind.LOSS, 1, on=date(2026, 10, 2))  # not September
    return camden, alpha, beta


def test_the_open_data_counts_incidents_by_school_and_hides_small_numbers(session, register):
    built = build_datasets(session, MONTH, zone=get_settings().zone)
    dataset = next(item for item in built if item.spec.name == "incidents")
    assert "incidents" in DATASET_NAMES
    assert dataset.tables[0].table.cells == ((11, 0, 6), (0, 7, 2))  # damage, loss, theft
    assert row(dataset, "Camden", "school", "Alpha Primary")["total"] == 17
    assert row(dataset, "Camden", "council-total")["total"] == 11 + 6 + 7 + 2
    assert row(dataset, "Camden", "school", "Beta Academy")["theft"] is None  # 2: hidden
    assert row(dataset, "Hackney", "council-total")["total"] == 0
    for result in dataset.tables:
        hidden = set(result.hidden)
        assert not small_published(result.table, hidden)
        assert not lines_with_one_hidden(result.table, hidden)
        assert not recoverable(result.table, hidden)
    published = str([published.values | published.keys for published in dataset.rows])
    assert "secret description" not in published


def test_the_dashboard_shows_incidents_per_school_and_families_live_and_from_daily_figures(
    client, session: Session, register
):
    camden, _alpha, _beta = register
    sign_in_pages(
        client, session, make_user(session, organisation=camden, role=Role.COUNCIL_OFFICER)
    )
    page = client.get("/dashboard")
    assert page.status_code == 200
    assert "Damage, loss and theft" in page.text and "Families with more than one" in page.text
    table = client.get("/dashboard/incidents-by-school.csv")
    assert table.status_code == 200
    lines = table.text.lstrip("\ufeff").strip().splitlines()
    assert lines[0] == "school,damage,loss,theft,still_open,families,repeat_families"
    assert lines[1:] == ["Alpha Primary,11,0,6,17,1,1", "Beta Academy,0,8,2,10,0,0"]
    refresh_summaries(session, today=date(2026, 10, 5), now=datetime(2026, 10, 5, 3, tzinfo=UTC))
    session.commit()
    stored = client.get("/dashboard/incidents-by-school.csv")
    assert stored.text.lstrip("\ufeff").strip().splitlines()[1:] == lines[1:]
    officer = make_user(session, organisation=camden, role=Role.COUNCIL_OFFICER)
    figures = client.get("/api/dashboard", headers=bearer(session, officer)).json()
    assert [
        (row["organisation"], row["theft"], row["repeat_families"])
        for row in figures["incidents_by_school"]
    ] == [("Alpha Primary", 6, 1), ("Beta Academy", 2, 0)]
