"""The council dashboard's pages through the app: who may open them, what they show, the
CSV downloads (the same rows as the database), and the prices form."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from sqlmodel import select

from accounts.models import Role
from devices.models import CouncilPrices, CoverPeriod, DeviceStatus
from dfc.clock import today
from tests.devices import factories
from tests.factories import make_admin, make_council, make_school, make_user, sign_in_pages

HTML = {"Accept": "text/html"}
PAGES = [
    "/dashboard",
    "/dashboard?days=30",
    "/dashboard/forecast",
    "/dashboard/schools?days=180",
    "/dashboard/short-of-cover",
    "/dashboard/sims-at-cap",
    "/dashboard/unmet-demand",
]
CSVS = [
    "/dashboard/devices-by-status.csv",
    "/dashboard/ending-by-month.csv?days=180",
    "/dashboard/open-tickets-by-sla-state.csv",
    "/dashboard/tickets-by-language.csv",
    "/dashboard/tickets-by-category.csv",
    "/dashboard/cost-forecast.csv",
    "/dashboard/schools?format=csv",
    "/dashboard/short-of-cover?format=csv",
]


def rows_of(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def council(session):
    """Our council (two schools with devices whose central support ends in a month) and
    another council with more, which our officer must never see."""
    ours, theirs = make_council(session, name="Ourshire"), make_council(session, name="Theirs")
    soon = today() + timedelta(days=20)
    for name, count in (("Ash School", 2), ("Birch School", 1)):
        school = make_school(session, council=ours, name=name)
        for _ in range(count):
            factories.make_device(session, holder=school, cover_until=soon)
    elsewhere = make_school(session, council=theirs, name="Far School")
    for _ in range(5):
        factories.make_device(session, holder=elsewhere, cover_until=soon)
    return ours, theirs


@pytest.fixture
def officer(client, session, council):
    user = make_user(session, organisation=council[0], role=Role.COUNCIL_OFFICER)
    return sign_in_pages(client, session, user)


@pytest.mark.parametrize("path", PAGES)
def test_each_page_opens_for_a_council_officer(client, officer, path):
    response = client.get(path, headers=HTML)
    assert response.status_code == 200
    assert "Ourshire" in response.text and "Theirs" not in response.text
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", PAGES + CSVS)
@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.SUPPORT_AGENT])
def test_school_staff_and_support_agents_are_refused(client, session, council, path, role):
    school = make_school(session, council=council[0])
    user = make_user(session, organisation=school, role=role)
    sign_in_pages(client, session, user)
    response = client.get(path, headers=HTML)
    assert response.status_code == 403
    assert "This page is for council officers and scheme administrators" in response.text


@pytest.mark.parametrize("path", ["/dashboard", "/dashboard/forecast", "/dashboard/sims-at-cap"])
def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, path):
    response = client.get(path, headers=HTML, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?" + urlencode({"next": path})


def test_the_dashboard_shows_charts_with_their_tables_and_csv_links(client, officer):
    page = client.get("/dashboard", headers=HTML).text
    assert page.count('role="img"') == page.count("<svg") >= 7
    assert 'aria-labelledby="chart-devices-by-status-devices-title' in page
    assert "<caption" in page and "Devices by status" in page
    assert 'href="/dashboard/devices-by-status.csv?days=90"' in page
    assert "<script" not in page.split('id="main-content"')[1].split("</main>")[0]


def test_an_officer_cannot_choose_another_council(client, officer, council):
    response = client.get(f"/dashboard?council={council[1].id}", headers=HTML)
    assert response.status_code == 404
    assert client.get(f"/dashboard?council={council[0].id}", headers=HTML).status_code == 200


def test_a_window_other_than_30_90_or_180_days_is_refused_plainly(client, officer):
    response = client.get("/dashboard?days=45", headers=HTML)
    assert response.status_code == 422
    assert "Choose 30, 90 or 180 days" in response.text


def test_an_admin_sees_all_councils_or_chooses_one(client, session, council):
    sign_in_pages(client, session, make_admin(session))
    everything = rows_of(client.get("/dashboard/devices-by-status.csv"))
    assert everything == [{"status": "In stock", "devices": "8"}]
    chosen = rows_of(client.get(f"/dashboard/devices-by-status.csv?council={council[1].id}"))
    assert chosen == [{"status": "In stock", "devices": "5"}]
    page = client.get(f"/dashboard?council={council[1].id}", headers=HTML).text
    assert f'<option value="{council[1].id}" selected>Theirs</option>' in page
    assert f"/dashboard/forecast?council={council[1].id}" in page
    forecast = client.get("/dashboard/forecast", headers=HTML).text
    assert "Choose a council to see its forecast" in forecast
    assert client.get(f"/dashboard?council={council[0].id + 999}", headers=HTML).status_code == 404


def test_csv_downloads_hold_the_same_rows_as_the_database(client, session, officer, council):
    in_repair = session.exec(select(CoverPeriod)).first()
    device = factories.make_device(
        session, holder=make_school(session, council=council[0]), status=DeviceStatus.IN_REPAIR
    )
    assert in_repair is not None and device.id
    statuses = rows_of(client.get("/dashboard/devices-by-status.csv"))
    assert statuses == [
        {"status": "In stock", "devices": "3"},
        {"status": "In repair", "devices": "1"},
    ]
    schools = rows_of(client.get("/dashboard/schools?format=csv&days=30"))
    assert [(r["organisation"], r["devices_cover_ending"]) for r in schools] == [
        ("Ash School", "2"),
        ("Birch School", "1"),
    ]
    months = rows_of(client.get("/dashboard/ending-by-month.csv?days=30"))
    assert sum(int(row["devices_cover_ending"]) for row in months) == 3
    short = rows_of(client.get("/dashboard/short-of-cover?format=csv"))
    assert len(short) == 4 and {row["school"] for row in short} >= {"Ash School"}


def test_long_lists_are_sorted_and_paged_in_the_url(client, officer):
    first = client.get("/dashboard/schools?days=30&sort=organisation&per_page=1", headers=HTML)
    second = client.get(
        "/dashboard/schools?days=30&sort=organisation&per_page=1&page=2", headers=HTML
    )
    assert "Ash School" in first.text and "Birch School" not in first.text
    assert "Birch School" in second.text and "Ash School" not in second.text
    assert 'aria-sort="ascending"' in first.text
    reverse = rows_of(client.get("/dashboard/schools?days=30&sort=-organisation&format=csv"))
    assert [row["organisation"] for row in reverse] == ["Birch School", "Ash School"]
    bad = client.get("/dashboard/schools?sort=password", headers=HTML)
    assert bad.status_code == 422 and "Cannot sort by" in bad.text


def forecast_cost(client, **params) -> Decimal:
    rows = rows_of(client.get("/dashboard/cost-forecast.csv", params=params))
    return sum((Decimal(row["spent_so_far"]) for row in rows[-1:]), Decimal(0))


def test_setting_prices_changes_the_forecast(client, session, officer, council):
    assert forecast_cost(client) == 0  # no licence prices known, no data prices set
    response = client.post(
        "/dashboard/prices",
        data={
            "csrf_token": officer,
            "licence_per_device_per_year": "120",
            "data_per_sim_per_month": "",
            "data_per_gb": "0",
            "gb_per_month": "3",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/dashboard/forecast#prices"
    saved = session.exec(select(CouncilPrices)).one()
    assert (saved.council_id, saved.licence_per_device_per_year) == (council[0].id, 120)
    months = rows_of(client.get("/dashboard/cost-forecast.csv"))
    assert len(months) == 24 and months[0]["month"] == today().strftime("%Y-%m")
    # three devices at £10 a month from the month their support ends (20 days on)
    leaving = [row for row in months if row["devices_leaving"] != "0"]
    assert [(r["devices_leaving"], r["running_monthly_cost"]) for r in leaving] == [("3", "30.00")]
    page = client.get("/dashboard/forecast", headers=HTML).text
    assert 'value="120.00"' in page and "£30.00" in page


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("licence_per_device_per_year", "-5", "The licence cost per device per year cannot be"),
        ("data_per_sim_per_month", "4.999", "to the nearest penny"),
        ("data_per_gb", "lots", "Enter the price per GB as a number"),
        ("gb_per_month", "-1", "The GB per SIM per month cannot be negative"),
    ],
)
def test_a_bad_price_is_shown_again_with_its_error_and_nothing_is_saved(
    client, session, officer, field, typed, message
):
    data = {"csrf_token": officer, "licence_per_device_per_year": "99", field: typed}
    response = client.post("/dashboard/prices", data=data, headers=HTML)
    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page and f'href="#{field}"' in page
    assert message in page and f'value="{typed}"' in page
    assert page.count(message) == 2  # in the summary and beside the field
    assert session.exec(select(CouncilPrices)).all() == []


def test_an_admin_sets_a_chosen_councils_prices_and_an_officer_only_their_own(
    client, session, council
):
    token = sign_in_pages(client, session, make_admin(session))
    data = {"csrf_token": token, "council": str(council[1].id), "data_per_sim_per_month": "7"}
    response = client.post("/dashboard/prices", data=data, follow_redirects=False)
    assert response.headers["location"] == f"/dashboard/forecast?council={council[1].id}#prices"
    assert session.exec(select(CouncilPrices.council_id)).all() == [council[1].id]
    no_council = client.post("/dashboard/prices", data={"csrf_token": token}, headers=HTML)
    assert no_council.status_code == 400 and "Choose a council" in no_council.text

    client.cookies.clear()
    officer = make_user(session, organisation=council[0], role=Role.COUNCIL_OFFICER)
    token = sign_in_pages(client, session, officer)
    data = {"csrf_token": token, "council": str(council[1].id), "data_per_gb": "1"}
    assert client.post("/dashboard/prices", data=data, headers=HTML).status_code == 404
    assert session.exec(select(CouncilPrices.council_id)).all() == [council[1].id]


def test_a_price_form_without_its_token_is_refused(client, officer):
    client.cookies.delete("dfc_csrf")
    response = client.post("/dashboard/prices", data={"data_per_gb": "1"}, headers=HTML)
    assert response.status_code == 403


def test_an_unknown_table_is_not_found(client, officer):
    assert client.get("/dashboard/passwords.csv", headers=HTML).status_code == 404
