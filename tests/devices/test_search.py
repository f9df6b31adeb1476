"""One search box for the device list, the page and the API alike: part of a serial number
or asset tag, any case, with % and _ only themselves, kept in the URL beside the filters."""

import pytest
from sqlmodel import Session

from accounts.models import Role
from devices.models import Device, DeviceStatus
from devices.service import registry
from dfc.caller import Caller
from dfc.clock import today
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages


@pytest.fixture
def school(session: Session):
    return make_school(session, council=make_council(session))


def tagged(session: Session, school, serial: str, asset_tag: str | None, **changes) -> Device:
    device = make_device(session, holder=school, serial=serial, **changes)
    device.asset_tag = asset_tag
    session.add(device)
    session.commit()
    return device


@pytest.fixture
def stock(session: Session, school) -> dict[str, Device]:
    return {
        "lap_1": tagged(session, school, "ABC-100", "Lap_0001"),
        "lapx1": tagged(session, school, "ABX100", "LAPX0001"),
        "percent": tagged(session, school, "A%C-9", None),
        "repair": tagged(session, school, "ZZ-1", "LAP_0002", status=DeviceStatus.IN_REPAIR),
    }


SEARCHES = {
    "abc-1": {"lap_1"},
    "  ABC - 100 ": {"lap_1"},  # serial numbers are kept without spaces
    "lap": {"lap_1", "lapx1", "repair"},
    "LAP_000": {"lap_1", "repair"},  # _ is an underscore, not any character
    "%": {"percent"},  # % is a per cent sign, not anything
    "\\": set(),
    "x0": {"lapx1"},
}


@pytest.mark.parametrize("search", SEARCHES)
def test_the_service_finds_part_of_a_serial_or_asset_tag_in_any_case(
    session, school, stock, search
):
    user = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    filters = registry.DeviceFilters(search=search)
    statement = registry.visible_devices(Caller.for_user(user, school), filters, today=today())
    found = {device.id for device in session.exec(statement).all()}
    assert found == {stock[name].id for name in SEARCHES[search]}


def test_the_api_search_combines_with_filters_and_reach_and_exports(client, session, school, stock):
    staff = bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    elsewhere = make_school(session, council=make_council(session))
    tagged(session, elsewhere, "LAP-ELSEWHERE", "LAP_9")

    def ids(query: str) -> set[int]:
        response = client.get(f"/api/devices?{query}", headers=staff)
        assert response.status_code == 200, response.text
        return {device["id"] for device in response.json()["items"]}

    assert ids("search=lap") == {stock[name].id for name in ("lap_1", "lapx1", "repair")}
    assert ids("search=lap&status=in-repair") == {stock["repair"].id}
    assert ids("search=%25") == {stock["percent"].id}
    assert ids("search=") == {device.id for device in stock.values()}
    csv = client.get("/api/devices?search=LAP_&format=csv", headers=staff).text
    assert "ABC-100" in csv and "ZZ-1" in csv and "ABX100" not in csv
    too_long = client.get(f"/api/devices?search={'x' * 101}", headers=staff)
    assert too_long.status_code == 422


def test_the_device_list_page_has_one_search_box_kept_in_the_url(client, session, school, stock):
    sign_in_pages(client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    response = client.get("/devices?search=lap_&status=in-stock&sort=-serial_number")
    assert response.status_code == 200
    page = response.text
    assert 'name="search" type="text" value="lap_"' in page
    assert "Serial number or asset tag" in page
    assert "ABC-100" in page and "Lap_0001" in page
    for hidden in ("ABX100", "ZZ-1", "A%C-9"):
        assert hidden not in page, hidden
    assert 'href="/devices?search=lap_&amp;status=in-stock&amp;sort=serial_number"' in page
    everything = client.get("/devices").text
    assert "Not recorded" in everything, "the device without an asset tag says so"
    assert "None" not in everything
