"""Every count on the council dashboard links to the list of what it counts, and that list
has exactly as many rows as the count, for a council with several schools."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from accounts.models import Role
from devices.models import DeviceRequest, DeviceStatus, LicenceSeat, OwnerKind
from dfc.clock import today
from support.models import Category, TicketStatus
from tests.devices import factories
from tests.factories import make_admin, make_council, make_school, make_user, sign_in_pages
from tests.support.test_reports import make_ticket

HTML = {"Accept": "text/html"}
COUNT_LINK = re.compile(
    r'<a class="govuk-link app-count-link" href="([^"]+)">([\d,]+)'
    r'<span class="govuk-visually-hidden"> \(([^)]*)\)</span></a>'
)
UNLINKED_NUMBER = re.compile(r'govuk-table__cell--numeric">([1-9][\d,]*)</td>')


def _seat(session, licence, device):
    session.add(LicenceSeat(licence_id=licence.id, device_id=device.id, assigned_on=today()))
    session.commit()


@pytest.fixture
def council(session):
    """Ourshire: three schools and devices of its own, with cover, licences and SIM
    contracts ending across the next months; and Theirs, whose figures must not show."""
    day = today()
    ours, theirs = make_council(session, name="Ourshire"), make_council(session, name="Theirs")
    ash, birch, cedar = (
        make_school(session, council=ours, name=name) for name in ("Ash", "Birch", "Cedar")
    )
    soon, later, much_later = (day + timedelta(days=n) for n in (10, 45, 80))
    never = day + timedelta(days=900)
    devices = {}
    for holder, ends, count in (
        (ash, soon, 3), (ash, later, 1), (birch, later, 2), (birch, much_later, 2),
        (cedar, never, 2), (ours, soon, 1),
    ):  # fmt: skip
        for _ in range(count):
            device = factories.make_device(session, holder=holder, cover_until=ends)
            devices.setdefault(holder.name, []).append(device)
    # Out of service (not counted as ending) and given to a family.
    factories.make_device(session, holder=ash, cover_until=soon, status=DeviceStatus.STOLEN)
    factories.make_device(session, holder=birch, status=DeviceStatus.RETIRED, cover_until=never)
    given = factories.make_device(session, holder=cedar, cover_until=never)
    given.owner_kind = OwnerKind.FAMILY
    given.status = DeviceStatus.ALLOCATED
    session.add(given)
    session.commit()
    factories.make_device(session, holder=birch, status=DeviceStatus.IN_REPAIR, cover_until=never)
    # Licences: Ash's ends soon with three seats in use; Birch's later with one.
    ash_licence = factories.make_licence(session, organisation=ash, ends_on=later)
    for device in devices["Ash"][:3]:
        _seat(session, ash_licence, device)
    birch_licence = factories.make_licence(session, organisation=birch, ends_on=much_later)
    _seat(session, birch_licence, devices["Birch"][0])
    factories.make_licence(session, organisation=cedar, ends_on=never)
    # SIM contracts ending in two months at two schools.
    factories.make_dongle_with_sim(
        session, holder=ash, device=devices["Ash"][0], contract_ends_on=soon
    )
    for _ in range(2):
        factories.make_dongle_with_sim(session, holder=birch, contract_ends_on=much_later)
    # Requests: Ash is short of 3 devices over two requests, Birch of 4; Cedar got all.
    for school, asked, given in ((ash, 5, 2), (ash, 3, 3), (birch, 4, 0), (cedar, 2, 2)):
        session.add(
            DeviceRequest(
                school_id=school.id, quantity=asked, quantity_fulfilled=given,
                reason="Pupils share", requested_on=day,
            )
        )  # fmt: skip
    session.commit()
    # Theirs: plenty of everything.
    far = make_school(session, council=theirs, name="Far")
    for _ in range(4):
        factories.make_device(session, holder=far, cover_until=soon)
    factories.make_licence(session, organisation=far, ends_on=soon)
    factories.make_dongle_with_sim(session, holder=far, contract_ends_on=soon)
    # Tickets in several languages, categories and SLA states.
    now = datetime.now(UTC)
    for school, language, category, status, created in (
        (ash, "pl", Category.BROKEN_SCREEN, TicketStatus.NEW, now - timedelta(days=20)),
        (ash, "pl", Category.BROKEN_SCREEN, TicketStatus.OPEN, now - timedelta(minutes=5)),
        (birch, "ar", Category.OTHER, TicketStatus.NEW, now - timedelta(minutes=5)),
        (birch, "en", Category.OTHER, TicketStatus.CLOSED, now - timedelta(days=30)),
        (cedar, "pl", Category.OTHER, TicketStatus.RESOLVED, now - timedelta(days=3)),
        (far, "pl", Category.OTHER, TicketStatus.NEW, now - timedelta(days=20)),
    ):
        make_ticket(
            session, school, language=language, category=category, status=status,
            created_at=created,
        )  # fmt: skip
    return ours, theirs


def count_links(page: str) -> list[tuple[str, int, str]]:
    return [
        (unescape(href), int(number.replace(",", "")), what)
        for href, number, what in COUNT_LINK.findall(page)
    ]


def rows_behind(client, href: str) -> int:
    """How many rows the linked list has: all of them, from its CSV download."""
    response = client.get(href + ("&" if "?" in href else "?") + "format=csv")
    assert response.status_code == 200, (href, response.text[:300])
    assert response.headers["content-type"].startswith("text/csv"), href
    return len(list(csv.DictReader(io.StringIO(response.text))))


def test_every_count_on_the_dashboard_opens_a_list_of_exactly_that_many(client, session, council):
    sign_in_pages(
        client, session, make_user(session, organisation=council[0], role=Role.COUNCIL_OFFICER)
    )
    page = client.get("/dashboard", headers=HTML).text
    links = count_links(page)
    assert len(links) >= 15, links
    assert not UNLINKED_NUMBER.findall(page), "a count without a link"
    checked = set()
    for href, number, what in links:
        if href.startswith("/dashboard/unmet-demand"):
            continue  # devices not provided: a sum over schools, not a list of devices
        assert rows_behind(client, href) == number, (what, href)
        checked.add(href.split("?")[0])
    assert checked >= {
        "/dashboard/devices-in-service",
        "/dashboard/ownership-passed",
        "/dashboard/devices",
        "/dashboard/cover-ending",
        "/dashboard/licences-ending",
        "/dashboard/licence-seats-ending",
        "/dashboard/sims-ending",
        "/tickets",
    }


def test_the_headline_figures_are_the_lists_sizes(client, session, council):
    sign_in_pages(
        client, session, make_user(session, organisation=council[0], role=Role.COUNCIL_OFFICER)
    )
    links = {what: (href, number) for href, number, what in count_links(
        client.get("/dashboard", headers=HTML).text
    )}  # fmt: skip
    # Our 11 with cover, one in repair and one a family owns; not the stolen or retired.
    assert links["Devices in service"] == ("/dashboard/devices-in-service", 13)
    assert links["Devices their families now own"] == ("/dashboard/ownership-passed", 1)
    page = client.get("/dashboard/devices-in-service", headers=HTML).text
    assert "of 13 devices" in page and "Far" not in page


def test_a_month_count_opens_that_months_list_and_a_school_count_that_schools(
    client, session, council
):
    sign_in_pages(
        client, session, make_user(session, organisation=council[0], role=Role.COUNCIL_OFFICER)
    )
    page = client.get("/dashboard?days=90", headers=HTML).text
    cover = [
        (href, number)
        for href, number, what in count_links(page)
        if href.startswith("/dashboard/cover-ending")
    ]
    assert sum(number for _href, number in cover) == 9  # 4 + 1 soon, 1 + 2 later, 2 much later
    assert all("month=" in href and "days=90" in href for href, _number in cover)
    listed = client.get(cover[0][0], headers=HTML).text
    assert f"of {cover[0][1]} devices" in listed
    assert re.search(r'href="/devices/\d+">SN', listed), "each device opens its own page"

    schools = client.get("/dashboard/schools?days=90", headers=HTML).text
    by_school = count_links(schools)
    assert not UNLINKED_NUMBER.findall(schools)
    for href, number, what in by_school:
        assert "school=" in href
        assert rows_behind(client, href) == number, (what, href)
    assert ("Licence seats in use on them, Ash") in {what for _h, _n, what in by_school}


def test_a_list_for_a_school_outside_the_council_is_not_found(client, session, council):
    sign_in_pages(
        client, session, make_user(session, organisation=council[0], role=Role.COUNCIL_OFFICER)
    )
    far = make_school(session, council=council[1], name="Farther")
    response = client.get(f"/dashboard/cover-ending?school={far.id}", headers=HTML)
    assert response.status_code == 404
    bad = client.get("/dashboard/cover-ending?month=2027-13", headers=HTML)
    assert bad.status_code == 422 and "YYYY-MM" in bad.text


def test_an_admin_who_chose_a_council_gets_that_councils_lists(client, session, council):
    sign_in_pages(client, session, make_admin(session))
    page = client.get(f"/dashboard?council={council[0].id}", headers=HTML).text
    links = count_links(page)
    register = [link for link in links if link[0].startswith("/dashboard/")]
    assert register and all(f"council={council[0].id}" in href for href, _n, _w in register)
    for href, number, what in register:
        if not href.startswith("/dashboard/unmet-demand"):
            assert rows_behind(client, href) == number, (what, href)
    # Ticket counts open the queue narrowed to that council, as many as counted.
    tickets = [link for link in links if link[0].startswith("/tickets")]
    assert tickets and all(f"council={council[0].id}" in href for href, _n, _w in tickets)
    for href, number, what in tickets:
        assert rows_behind(client, href) == number, (what, href)
    everyone = client.get("/tickets?status=all&format=csv").text.count("\n") - 1
    assert everyone > max(number for _h, number, _w in tickets), "another council's are left out"


def test_unmet_demand_links_each_schools_requests(client, session, council):
    sign_in_pages(
        client, session, make_user(session, organisation=council[0], role=Role.COUNCIL_OFFICER)
    )
    headline = [
        number
        for href, number, _what in count_links(client.get("/dashboard", headers=HTML).text)
        if href.startswith("/dashboard/unmet-demand")
    ]
    assert headline == [7]
    links = count_links(client.get("/dashboard/unmet-demand", headers=HTML).text)
    assert sorted(number for _href, number, _what in links) == [1, 2]
    for href, number, what in links:
        assert href.startswith("/requests?school=")
        assert rows_behind(client, href) == number, (what, href)


def test_each_months_devices_leaving_central_cover_open_their_list(client, session, council):
    sign_in_pages(
        client, session, make_user(session, organisation=council[0], role=Role.COUNCIL_OFFICER)
    )
    links = count_links(client.get("/dashboard/forecast", headers=HTML).text)
    leaving = [link for link in links if "with_dongle" not in link[0]]
    with_dongle = [link for link in links if "with_dongle=true" in link[0]]
    # All 13 of our devices in service have central cover ending within the forecast.
    assert sum(number for _h, number, _w in leaving) == 13
    assert [number for _h, number, _w in with_dongle] == [1]
    for href, number, what in links:
        assert href.startswith("/dashboard/leaving-central-cover?")
        assert rows_behind(client, href) == number, (what, href)
