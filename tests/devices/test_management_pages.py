"""The management pages through the real app: a device's management and end of updates on
its page, the officers' reports (filtered, paged, CSV), uploading an export, the end of
updates list that scheme admins change, and allocation past end of updates on the page."""

import html
import re

import pytest
from sqlmodel import select

from accounts.models import Role
from devices.models import DeviceEvent, EndOfUpdates, ImportKind
from devices.service import end_of_updates
from dfc.clock import today
from tests.devices.factories import make_family
from tests.devices.management_setup import DATA, TODAY, build_register, run_export
from tests.factories import make_admin, make_council, make_school, make_user, sign_in_pages


@pytest.fixture
def imported(session, engine, school, officer, monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: TODAY)
    register = build_register(session, school)
    end_of_updates.reference_dates(session)
    session.commit()
    run_export(
        session, engine, officer, ImportKind.GOOGLE_ADMIN, "google-admin-chromeos-devices.csv"
    )
    run_export(session, engine, officer, ImportKind.INTUNE, "intune-devices.csv")
    return register


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_device_page_shows_its_manager_state_check_in_and_end_of_updates(
    session, client, imported, officer
):
    sign_in_pages(client, session, officer)
    device = imported.devices["PF-2ABC11"]
    page = client.get(f"/devices/{device.id}")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "Management" in words and "Microsoft Intune" in words and "Enrolled" in words
    assert "2 Dec 2026" in words  # last check-in
    assert "stopped getting security updates on 14 October 2025" in words
    assert "(its operating system's)" in words
    chromebook = text_of(client.get(f"/devices/{imported.devices['NXHBPEK00112345678'].id}").text)
    assert (
        "Google Admin (ChromeOS)" in chromebook
        and "Deprovisioned Status in the manager DEPROVISIONED" in chromebook
    )
    assert "30 June 2029 (the device's own date in Google Admin)" in chromebook
    unmanaged = text_of(client.get(f"/devices/{imported.devices['CB-0006'].id}").text)
    assert "Google Admin (ChromeOS)" in unmanaged


def test_officers_see_each_report_filtered_paged_and_as_csv(session, client, imported, officer):
    sign_in_pages(client, session, officer)
    page = client.get("/management")
    assert page.status_code == 200
    words = text_of(page.text)
    assert "With a family, not seen for 60 days" in words and "CB-0003" in words
    assert "1 Aug 2026" in words and "5CD1234ABC" not in words
    stock = text_of(client.get("/management?report=in-stock-but-checking-in").text)
    assert "CB-0004" in stock and "PF-2ABC13" in stock and "Showing 1 to 2 of 2" in stock
    intune_only = text_of(
        client.get("/management?report=in-stock-but-checking-in&manager=intune").text
    )
    assert "PF-2ABC13" in intune_only and "CB-0004" not in intune_only
    paged = text_of(
        client.get("/management?report=in-stock-but-checking-in&per_page=1&page=2").text
    )
    assert "Showing 2 to 2 of 2" in paged
    missing = text_of(client.get("/management?report=not-in-register").text)
    assert "5CG7788XYZ" in missing and "MP1XY9Z8" in missing and "row 9" in missing
    csv = client.get("/management?report=enrolled-though-family-owned&format=csv")
    assert csv.status_code == 200 and "CB-0005" in csv.text and "PF-2ABC12" in csv.text
    assert client.get("/management?report=nonsense").status_code == 404


def test_another_councils_officer_sees_none_of_our_devices(session, client, imported):
    council = make_council(session)
    make_school(session, council=council)
    sign_in_pages(
        client, session, make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    )
    assert client.get(f"/devices/{imported.devices['CB-0003'].id}").status_code == 404
    for slug in ("not-seen", "not-in-register"):
        words = text_of(client.get(f"/management?report={slug}").text)
        assert "CB-0003" not in words and "5CG7788XYZ" not in words and "No devices match" in words


def test_an_export_uploaded_on_the_imports_page_is_queued_as_its_kind(
    session, client, school, officer, monkeypatch
):
    token = sign_in_pages(client, session, officer)
    page = text_of(client.get("/imports").text)
    assert "Google Admin's list of ChromeOS devices" in page and "Intune's list of devices" in page
    queued = []
    monkeypatch.setattr("devices.tasks.run_import.delay", queued.append)
    data = (DATA / "intune-devices.csv").read_bytes()
    answer = client.post(
        "/imports",
        data={"csrf_token": token, "kind": "intune"},
        files={"file": ("intune-devices.csv", data, "text/csv")},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and len(queued) == 1
    job_page = text_of(client.get(answer.headers["location"]).text)
    assert "Intune devices" in job_page and "intune-devices.csv" in job_page


def test_a_device_past_end_of_updates_is_allocated_on_the_page_only_with_a_reason(
    session, client, imported, officer
):
    token = sign_in_pages(client, session, officer)
    device = imported.devices["PF-2ABC13"]
    family = make_family(session, school=imported.school)
    form = {
        "csrf_token": token,
        "family": "existing",
        "family_id": str(family.id),
        "collected": "true",
        "allocated_on-day": "2",
        "allocated_on-month": "11",
        "allocated_on-year": "2026",
    }
    shown = text_of(client.get(f"/devices/{device.id}/allocate").text)
    assert "Why give out a device that gets no more security updates?" in shown
    refused = client.post(f"/devices/{device.id}/allocate", data=form, follow_redirects=False)
    assert refused.status_code == 409
    assert "stopped getting security updates on 14 October 2025" in text_of(refused.text)
    reason = "Exams next week; a replacement is on order"
    allowed = client.post(
        f"/devices/{device.id}/allocate",
        data=form | {"end_of_updates_override": reason},
        follow_redirects=False,
    )
    assert allowed.status_code == 303, text_of(allowed.text)
    event = session.exec(
        select(DeviceEvent).where(
            DeviceEvent.device_id == device.id, DeviceEvent.action == "allocated"
        )
    ).one()
    assert event.after["end_of_updates_override"] == reason


def test_scheme_admins_set_an_end_of_updates_on_the_page_and_officers_only_read(
    session, client, imported, officer
):
    token = sign_in_pages(client, session, officer)
    page = text_of(client.get("/end-of-updates").text)
    assert "Windows 10 Pro" in page and "14 October 2025" in page and "Ended" in page
    assert "Chromebook 311" in page and "Google Admin export" in page
    assert "Set a date" not in page
    form = {"csrf_token": token, "kind": "model", "name": "ThinkPad L13"}
    dated = form | {"ends_on-day": "31", "ends_on-month": "8", "ends_on-year": "2027"}
    assert client.post("/end-of-updates", data=dated).status_code == 403
    token = sign_in_pages(client, session, make_admin(session))
    assert "Set a date" in client.get("/end-of-updates").text
    wrong = client.post("/end-of-updates", data=form | {"csrf_token": token, "ends_on-day": "31"})
    assert wrong.status_code == 400 and "There is a problem" in wrong.text
    saved = client.post(
        "/end-of-updates", data=dated | {"csrf_token": token}, follow_redirects=False
    )
    assert saved.status_code == 303
    row = session.exec(select(EndOfUpdates).where(EndOfUpdates.name == "ThinkPad L13")).one()
    assert (row.ends_on.isoformat(), row.source.value) == ("2027-08-31", "admin")
    assert today() == TODAY
