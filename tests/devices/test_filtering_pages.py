"""The safeguarding pages through the real app: the unfiltered list (filtered, sorted, paged,
CSV), the council's settings, a router's filtering review confirmed on its page, and the
dashboard's line with the count and whether a lead is set."""

import html
import re

import pytest

from accounts.models import Role
from devices.connectivity_schemas import SimCreate
from devices.service import connectivity, safeguarding
from tests.devices.filtering_setup import TODAY, build, with_child
from tests.devices.management_setup import caller_of
from tests.factories import make_admin, make_school, make_user, sign_in_pages


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: TODAY)


@pytest.fixture
def world(session, council, school):
    return build(session, council, school)


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_officers_see_the_unfiltered_devices_and_whether_a_lead_gets_them(
    session, client, world, officer
):
    sign_in_pages(client, session, officer)
    page = client.get("/unfiltered?sort=label")
    assert page.status_code == 200
    shown = text_of(page.text)
    assert "Showing 1 to 3 of 3 unfiltered devices" in shown
    for serial in ("NO-FILTER", "LAPSED-FILTER", "GOOGLE-NOT-TICKED"):
        assert serial in shown
    for serial in ("FILTER-LICENCE", "FILTER-INTUNE", "ON-THE-SHELF"):
        assert serial not in shown
    assert "No safeguarding lead set" in shown
    assert f'href="/devices/{world.unfiltered.id}"' in page.text
    paged = text_of(client.get("/unfiltered?sort=-label&per_page=1&page=2").text)
    assert "LAPSED-FILTER" in paged and "GOOGLE-NOT-TICKED" not in paged
    csv = client.get("/unfiltered?format=csv")
    assert csv.status_code == 200 and csv.text.count("\n") >= 4 and "GOOGLE-NOT-TICKED" in csv.text


def test_school_staff_see_their_own_schools_only(session, client, world, council, school):
    other = make_school(session, council=council, name="Another School")
    with_child(session, other, "ANOTHER-SCHOOL")
    staff = make_user(session, organisation=other, role=Role.SCHOOL_STAFF)
    sign_in_pages(client, session, staff)
    shown = text_of(client.get("/unfiltered").text)
    assert "ANOTHER-SCHOOL" in shown and "NO-FILTER" not in shown


def test_an_officer_sets_the_lead_on_the_settings_page(session, client, world, officer):
    token = sign_in_pages(client, session, officer)
    form = {"csrf_token": token, "lead_name": "Priya Shah", "lead_email": "not-an-email"}
    refused = client.post("/safeguarding", data=form)
    assert refused.status_code == 400
    assert "Enter an email address like name@council.gov.uk" in text_of(refused.text)
    form |= {"lead_email": "priya@council.example", "google_admin_filters": "yes"}
    saved = client.post("/safeguarding", data=form, follow_redirects=True)
    assert saved.status_code == 200
    assert 'value="priya@council.example"' in saved.text
    shown = text_of(client.get("/unfiltered").text)
    assert "Priya Shah (priya@council.example), gets this list" in shown
    assert "GOOGLE-NOT-TICKED" not in shown  # Google Admin now counts as filtering


def test_staff_confirm_a_routers_filtering_review_on_its_page(session, client, world, officer):
    sim_in = SimCreate(
        iccid="8944000000000000555",
        network_operator="EE",
        dongle_id=world.router.id,
        holder_id=world.router.holder_id,
        contract_starts_on=TODAY,
    )
    connectivity.create_sim(session, caller=caller_of(session, officer), sim_in=sim_in)
    session.commit()
    token = sign_in_pages(client, session, officer)
    assert f"Router {world.router.imei}" in text_of(client.get("/unfiltered").text)
    page = text_of(client.get(f"/dongles/{world.router.id}").text)
    assert "Filtering review needed" in page
    done = client.post(
        f"/dongles/{world.router.id}/filtering-review",
        data={"csrf_token": token, "note": "Content lock on"},
        follow_redirects=True,
    )
    assert done.status_code == 200
    shown = text_of(done.text)
    assert "No filtering review is needed" in shown
    assert "filtering reviewed by Test User" in shown and "Content lock on" in shown
    assert f"Router {world.router.imei}" not in text_of(client.get("/unfiltered").text)


def test_the_dashboard_counts_them_and_says_whether_a_lead_is_set(
    session, client, world, council, officer
):
    sign_in_pages(client, session, officer)
    page = client.get("/dashboard")
    shown = text_of(page.text)
    assert "3 unfiltered devices" in shown and "No safeguarding lead set" in shown
    assert 'href="/unfiltered"' in page.text
    saved = safeguarding.settings_of(session, council.id)
    saved.lead_name, saved.lead_email = "Priya Shah", "priya@council.example"
    session.add(saved)
    session.commit()
    shown = text_of(client.get("/dashboard").text)
    assert "The safeguarding lead, Priya Shah, gets them" in shown
    assert "No safeguarding lead set" not in shown


def test_a_scheme_admin_sets_a_councils_lead_and_sees_the_whole_scheme_uncounted(
    session, client, world, council
):
    admin = make_admin(session)
    token = sign_in_pages(client, session, admin)
    shown = text_of(client.get("/dashboard").text)
    assert "See the unfiltered devices" in shown and "Choose a council to count them" in shown
    page = client.get(f"/safeguarding?council={council.id}")
    assert page.status_code == 200 and "No safeguarding lead set" in text_of(page.text)
    form = {"csrf_token": token, "council": str(council.id), "lead_email": "lead@council.example"}
    assert client.post("/safeguarding", data=form, follow_redirects=False).status_code == 303
    assert safeguarding.lead_of(session, council.id).email == "lead@council.example"
    counted = text_of(client.get(f"/dashboard?council={council.id}").text)
    # Intune was left unticked on the form: its enrolled laptop now counts as unfiltered too.
    assert "4 unfiltered devices" in counted and "lead@council.example" in counted
