"""A school officer's and a council officer's work in the browser, on `make run`'s demo."""

import csv
import io
import secrets

from playwright.sync_api import expect
from sqlalchemy import text
from sqlmodel import Session

from dfc.clock import today
from dfc.db_types import utcnow
from reporting.dashboard.summaries import refresh_summaries
from tests.e2e.conftest import axe_violations, screenshot, sign_in, visit

STAFF = "staff@demo.example"
OFFICER = "officer@demo.example"
OTHER_SCHOOL_URN = "900002"


def test_school_staff_allocate_a_device_and_see_it_in_the_familys_allocations(
    page, service, service_db
):
    sign_in(page, service, STAFF)
    visit(page, "/devices?status=in-stock")
    screenshot(page, "school-devices")
    first_in_stock = page.locator("table tbody a[href^='/devices/']").first
    serial = first_in_stock.inner_text()
    first_in_stock.click()
    page.get_by_role("link", name="Allocate to a family").click()

    page.get_by_label("A new family").check()
    page.get_by_label("Pupil reference").fill("E2E-7A")
    page.get_by_label("Parent or carer's mobile number (optional)").fill("0791112345")
    page.get_by_label("Language for texts and help pages").select_option("ar")
    page.get_by_role("button", name="Allocate").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a UK mobile number")
    expect(page.locator("#phone_number-error")).to_be_visible()
    screenshot(page, "school-allocate-error")
    assert not axe_violations(page), "a failed form must pass axe-core too"

    page.get_by_label("Parent or carer's mobile number (optional)").fill("07911 123 499")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pupil E2E-7A")
    allocations = page.locator("#allocations")
    expect(allocations).to_contain_text(serial)
    expect(allocations).to_contain_text("Still with the family")
    screenshot(page, "school-family-allocations")
    with service_db.connect() as connection:
        saved = connection.execute(
            text(
                "SELECT d.status, f.phone_number, f.preferred_language FROM allocation a "
                "JOIN device d ON d.id = a.device_id JOIN family f ON f.id = a.family_id "
                "WHERE f.pupil_reference = 'E2E-7A'"
            )
        ).one()
    assert tuple(saved) == ("with-family", "+447911123499", "ar")


def test_a_school_officer_cannot_open_another_schools_device(page, service, service_db):
    sign_in(page, service, OFFICER)
    visit(page, "/imports")
    page.get_by_label("A delivery manifest").check()
    manifest = (
        "serial_number,kind,make,model,holder,received_on\n"
        f"E2E-OTHER-1,laptop,Dell,Latitude 3190,{OTHER_SCHOOL_URN},2026-09-01\n"
    )
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "delivery.csv", "mimeType": "text/csv", "buffer": manifest.encode()}]
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-progress")).to_contain_text(
        "Every row was imported", timeout=60_000
    )
    with service_db.connect() as connection:
        device_id = connection.execute(
            text("SELECT id FROM device WHERE serial_number = 'E2E-OTHER-1'")
        ).scalar_one()
    page.context.clear_cookies()
    sign_in(page, service, STAFF)
    visit(page, f"/devices/{device_id}", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert "E2E-OTHER-1" not in page.content()


def test_a_failed_manifest_shows_its_row_errors(page, service):
    sign_in(page, service, STAFF)
    visit(page, "/imports")
    page.get_by_label("A delivery manifest").check()
    manifest = (
        "serial_number,kind,make,model,holder,received_on\n"
        "E2E-BAD-1,toaster,Dell,Latitude,900001,2026-09-01\n"
        "E2E-BAD-2,laptop,Dell,Latitude,900001,not a date\n"
    )
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": manifest.encode()}]
    )
    page.get_by_role("button", name="Upload and import").click()
    progress = page.locator("#import-progress")
    expect(progress).to_contain_text("Nothing was imported", timeout=60_000)
    rows = progress.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("kind")
    expect(rows.nth(1)).to_contain_text("received_on")
    screenshot(page, "school-import-errors")


def csv_rows(download) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))


def test_a_council_officer_exports_a_dashboard_table_that_matches_the_database(
    page, service, service_db
):
    # The page reads the daily figures: brought up to date first, as after an import, so
    # they are the database's after whatever the tests before this one changed.
    with Session(service_db) as session:
        refresh_summaries(session, today=today(), now=utcnow())
        session.commit()
    sign_in(page, service, OFFICER)
    visit(page, "/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text("Council dashboard")
    expect(page.locator("#figures-as-of")).to_contain_text("Figures as of ")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    screenshot(page, "council-dashboard")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download devices by status as CSV").click()
    exported = {row["status"]: int(row["devices"]) for row in csv_rows(download_info.value)}
    with service_db.connect() as connection:
        counted = connection.execute(
            text(
                "SELECT d.status, count(*) FROM device d JOIN organisation o ON o.id = d.holder_id "
                "JOIN organisation c ON c.id = coalesce(o.council_id, o.id) "
                "WHERE c.gss_code = 'E09000007' AND d.owner_kind != 'family' GROUP BY d.status"
            )
        ).all()
    expected = {status.replace("-", " ").capitalize(): count for status, count in counted}
    assert exported == expected and sum(expected.values()) > 0
    visit(page, "/dashboard/forecast")
    screenshot(page, "council-forecast")


def _imei(body: str) -> str:
    """A 15-digit IMEI whose last digit is its Luhn check digit."""
    digits = [int(d) for d in body]
    total = sum(
        d if i % 2 == 0 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(digits)
    )
    return body + str((10 - total % 10) % 10)


def test_a_school_receives_a_laptop_and_dongle_on_one_row_and_lends_both_to_a_new_family(
    page, service, service_db
):
    tag = secrets.token_hex(3).upper()
    serial, imei = f"E2E-PAIR-{tag}", _imei(f"3569380{secrets.randbelow(10**7):07d}")
    manifest = (
        "serial_number,kind,make,model,holder,received_on,dongle_imei\n"
        f"{serial},laptop,Dell,Latitude 3190,900001,01/11/2026,{imei}\n"
    )
    sign_in(page, service, STAFF)
    visit(page, "/imports")
    page.get_by_label("A delivery manifest").check()
    page.get_by_label("Upload a file").set_input_files(
        files=[{"name": "delivery.csv", "mimeType": "text/csv", "buffer": manifest.encode()}]
    )
    page.get_by_role("button", name="Upload and import").click()
    expect(page.locator("#import-progress")).to_contain_text(
        "Every row was imported", timeout=60_000
    )

    visit(page, f"/devices?search={tag.lower()}")  # part of the serial, in any case
    page.get_by_role("link", name=serial).click()
    expect(page.locator("main")).to_contain_text(imei)  # the laptop's page shows its dongle
    page.get_by_role("link", name="Allocate to a family").click()
    expect(page.locator("#dongle_id")).to_contain_text("goes to the family with it")
    page.get_by_label("A new family").check()
    page.get_by_label("Pupil reference").fill(f"E2E-{tag}")
    page.get_by_role("button", name="Allocate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Pupil E2E-{tag}")
    expect(page.locator("#allocations")).to_contain_text(serial)
    screenshot(page, "school-laptop-and-dongle-allocated")
    with service_db.connect() as connection:
        lent = connection.execute(
            text(
                "SELECT d.status, g.status FROM allocation a JOIN device d ON d.id = a.device_id "
                "JOIN dongle g ON g.id = a.dongle_id WHERE d.serial_number = :serial"
            ),
            {"serial": serial},
        ).one()
    assert [status.lower() for status in lent] == ["with-family", "with-family"]


def test_a_school_hands_over_its_ready_laptops_at_once_and_sees_what_the_others_need(
    page, service, service_db
):
    sign_in(page, service, STAFF)
    visit(page, "/devices")
    page.get_by_role("link", name="hand over devices to families").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hand over devices to families")
    expect(page.locator("#ready-count")).to_contain_text("2 of")
    not_ready = page.locator("tbody tr", has_text="Still to do: Removed from management").first
    not_ready.get_by_role("checkbox").check()  # tried too: refused, naming what it needs
    serial = not_ready.locator("a").inner_text()
    assert not axe_violations(page)
    screenshot(page, "school-handovers")
    page.get_by_role("button", name="Hand over the chosen devices").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Handing over 3 devices")
    expect(page.locator("#batch-progress")).to_contain_text(
        "2 of 3 handed over to their families; 1 refused", timeout=60_000
    )
    refused = page.locator("tbody tr", has_text="Refused")
    expect(refused).to_contain_text(serial)
    expect(refused).to_contain_text("Still to do: Removed from management")
    screenshot(page, "school-handover-batch")
    with service_db.connect() as connection:
        owners = connection.execute(
            text(
                "SELECT d.serial_number, d.owner_kind FROM handover_batch_device b "
                "JOIN device d ON d.id = b.device_id ORDER BY b.position"
            )
        ).all()
    assert sorted(kind for _, kind in owners) == ["family", "family", "scheme"]
    assert dict(owners)[serial] == "scheme"
