"""End of updates on the council dashboard, its lists and API, and in the cost forecast:
each figure checked against the database with our own SQL, each caller seeing only its own
schools, and the replacement cost the count times the council's price for each kind."""

import csv
import io
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlmodel import select

from accounts.models import Role
from devices.models import CouncilPrices, Device, DeviceKind, DeviceManagement
from dfc.clock import today
from reporting.dashboard.summaries import refresh_summaries
from tests.factories import bearer, make_user, sign_in_pages
from tests.reporting.register import make_register
from tests.reporting.test_dashboard_daily_pages import headline

HTML = {"Accept": "text/html"}
NIGHT = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
# A device's end of updates as the register decides it, written out by hand: its own date,
# else its model's, else its operating system's; in service and not yet the family's.
COUNTED = """
FROM device d
JOIN organisation o ON o.id = d.holder_id
LEFT JOIN device_management m ON m.device_id = d.id
LEFT JOIN end_of_updates mo ON mo.kind = 'model' AND mo.name_key = lower(trim(d.model))
LEFT JOIN end_of_updates os
  ON os.kind = 'operating-system' AND os.name_key = lower(trim(d.operating_system))
WHERE (o.id = :place OR o.council_id = :place)
  AND d.status NOT IN ('lost', 'stolen', 'retired') AND d.owner_kind <> 'family'
  AND coalesce(m.auto_update_expires_on, mo.ends_on, os.ends_on) BETWEEN :first AND :last
"""
LONG_AGO, FAR_OFF = date(1990, 1, 1), date(2100, 1, 1)


def serials(session, place, first: date, last: date) -> list[str]:
    found = session.execute(
        text(f"SELECT d.serial_number {COUNTED}"), {"place": place.id, "first": first, "last": last}
    )
    return sorted(row[0] for row in found)


def past(session, place) -> list[str]:
    return serials(session, place, LONG_AGO, today() - timedelta(days=1))


def nearing(session, place, days: int) -> list[str]:
    return serials(session, place, today(), today() + timedelta(days=days))


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def register(session):
    register = make_register(session, today=today())
    refresh_summaries(session, today=today(), now=NIGHT)
    session.commit()
    return register


@pytest.fixture
def officer(client, session, register):
    user = make_user(session, organisation=register.ours, role=Role.COUNCIL_OFFICER)
    return sign_in_pages(client, session, user)


def test_the_dashboard_shows_devices_past_and_nearing_end_of_updates(
    client, session, register, officer
):
    page = client.get("/dashboard", headers=HTML)
    assert page.status_code == 200
    assert "Figures as of " in page.text
    assert len(past(session, register.ours)) == 3
    assert headline(page.text, "Past end of updates") == str(len(past(session, register.ours)))
    assert headline(page.text, "Security updates end in the next 90 days") == str(
        len(nearing(session, register.ours, 90))
    )
    assert "End of security updates, by school" in page.text
    assert "Ash School" in page.text and "Far School" not in page.text
    assert 'href="/dashboard/past-end-of-updates"' in page.text
    wider = client.get("/dashboard?days=180", headers=HTML).text
    assert headline(wider, "Security updates end in the next 180 days") == "3"


def test_the_by_school_table_downloads_with_each_schools_figures(
    client, session, register, officer
):
    rows = rows_of(client.get("/dashboard/end-of-updates-by-school.csv?days=180"))
    assert rows == [
        {
            "school": school.name,
            "past_end_of_updates": str(len(past(session, school))),
            "updates_ending": str(len(nearing(session, school, 180))),
        }
        for school in (register.ash, register.birch)
    ]
    assert [row["past_end_of_updates"] for row in rows] == ["2", "1"]


def test_the_lists_behind_the_counts_are_the_devices_counted_at_the_school_asked(
    client, session, register, officer
):
    every = rows_of(client.get("/dashboard/past-end-of-updates?format=csv"))
    assert sorted(row["serial_number"] for row in every) == past(session, register.ours)
    assert {row["basis"] for row in every} == {"device", "operating system"}
    ash = rows_of(client.get(f"/dashboard/past-end-of-updates?school={register.ash.id}&format=csv"))
    assert sorted(row["serial_number"] for row in ash) == past(session, register.ash)
    ending = rows_of(client.get("/dashboard/updates-ending?days=180&format=csv"))
    assert sorted(row["serial_number"] for row in ending) == nearing(session, register.ours, 180)
    page = client.get("/dashboard/past-end-of-updates", headers=HTML)
    assert page.status_code == 200 and "Devices past their end of updates" in page.text
    assert past(session, register.ash)[0] in page.text
    # Another council's school is not ours to narrow to.
    other = client.get(f"/dashboard/past-end-of-updates?school={register.far.id}", headers=HTML)
    assert other.status_code == 404


def test_each_caller_of_the_api_gets_its_own_schools_only(client, session, register):
    for organisation, role in (
        (register.ash, Role.SCHOOL_STAFF),
        (register.theirs, Role.COUNCIL_OFFICER),
    ):
        headers = bearer(session, make_user(session, organisation=organisation, role=role))
        answer = client.get("/api/dashboard?days=180", headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["headlines"]["past_end_of_updates"] == len(past(session, organisation))
        assert body["nearing_end_of_updates"] == len(nearing(session, organisation, 180))
        schools = [row["organisation"] for row in body["end_of_updates_by_school"]]
        expected = {register.ash.id: ["Ash School"], register.theirs.id: ["Far School"]}
        assert schools == expected[organisation.id]


def _priced(client, officer, **prices: str):
    data = {"csrf_token": officer} | prices
    return client.post("/dashboard/prices", data=data, headers=HTML, follow_redirects=False)


def test_the_forecast_prices_replacing_each_device_as_its_updates_end(
    client, session, register, officer
):
    # One of the devices nearing its end of updates is a tablet, for which no price is set.
    tablet = session.exec(
        select(Device)
        .join(DeviceManagement, DeviceManagement.device_id == Device.id)
        .where(
            Device.holder_id == register.birch.id,
            DeviceManagement.auto_update_expires_on > today(),
        )
    ).one()
    tablet.kind = DeviceKind.TABLET
    session.add(tablet)
    session.commit()
    response = _priced(client, officer, replacement_laptop="300", replacement_chromebook="250")
    assert response.status_code == 303
    saved = session.exec(select(CouncilPrices)).one()
    assert (saved.replacement_laptop, saved.replacement_tablet) == (Decimal(300), None)

    months = rows_of(client.get("/dashboard/cost-forecast.csv"))
    ending = serials(session, register.ours, today(), FAR_OFF)  # none after the forecast
    assert sum(int(row["updates_ending"]) for row in months) == len(ending) == 3
    # Two laptops at £300; the tablet is counted without a cost.
    assert sum(Decimal(row["replacement_cost"]) for row in months) == 2 * Decimal(300)
    for row in months:
        assert Decimal(row["replacement_cost"]) <= int(row["updates_ending"]) * Decimal(300)
    page = client.get("/dashboard/forecast", headers=HTML).text
    assert "Devices whose security updates end in the next 24 months" in page
    assert "£600.00" in page and 'value="300.00"' in page
    assert "No replacement price is set for tablet" in page
    already = len(past(session, register.ours))
    assert f"{already} devices, £{already * 300:,}.00 to replace" in page


def test_a_bad_replacement_price_is_shown_again_with_its_error(client, session, officer):
    response = _priced(client, officer, replacement_tablet="-40")
    assert response.status_code == 400
    assert "The price of a replacement tablet cannot be negative" in response.text
    assert session.exec(select(CouncilPrices)).all() == []
