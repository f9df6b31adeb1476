"""Staff journeys as the brief's people make them, from their first page to the outcome: a
school asks for devices and the council officer approves the request; an admin adds a
school and a person who then signs in to it; an agent answers a family."""

import re
import secrets

from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.conftest import screenshot, sign_in, visit

STAFF, OFFICER = "staff@demo.example", "officer@demo.example"
ADMIN, AGENT = "admin@demo.example", "agent@demo.example"


def test_a_school_asks_for_laptops_and_the_council_officer_approves(page, service, service_db):
    reason = f"Year 9 pupils sharing one laptop ({secrets.token_hex(3)})"
    sign_in(page, service, STAFF)
    visit(page, "/requests")
    page.get_by_role("link", name="Request more devices").click()
    page.get_by_label("How many?").fill("4")
    page.get_by_label("Why does the school need them?").fill(reason)
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_url(f"{service.base_url}/requests?done=requested")
    row = page.locator("tbody tr", has_text=reason)
    expect(row).to_contain_text("Requested")

    page.context.clear_cookies()
    sign_in(page, service, OFFICER)
    visit(page, "/requests")
    row = page.locator("tbody tr", has_text=reason)
    expect(row).to_be_visible()
    row.get_by_label("Decision").select_option("approved")
    row.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{service.base_url}/requests?done=decided")
    expect(page.locator("tbody tr", has_text=reason)).to_contain_text("Approved")
    screenshot(page, "officer-request-approved")
    with service_db.connect() as connection:
        status = connection.execute(
            text("SELECT status FROM device_request WHERE reason = :reason"), {"reason": reason}
        ).scalar_one()
    assert status.lower() == "approved"


def test_an_admin_adds_a_school_and_a_person_who_signs_in_there(page, service):
    urn = str(800000 + secrets.randbelow(99999))
    school = f"Journey Primary {urn}"
    email = f"head-{urn}@journey.example"
    password = secrets.token_urlsafe(12)
    sign_in(page, service, ADMIN)
    visit(page, "/admin/schools/new")
    page.get_by_label("URN").fill(urn)
    page.get_by_label("Name").fill(school)
    page.get_by_label("Phase").select_option(index=1)
    page.get_by_label("Council").select_option(label="Camden")
    page.get_by_role("button", name="Add school").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(school)

    visit(page, "/admin/users/new")
    page.get_by_label("Full name").fill("Hana Head")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Organisation").select_option(label=f"{school} (URN {urn})")
    page.get_by_label("Role").select_option("school-staff")
    page.get_by_label("Initial password (optional)").fill(password)
    page.get_by_role("button", name="Add user").click()
    expect(page.locator("main")).to_contain_text(email)
    screenshot(page, "admin-user-added")

    page.context.clear_cookies()
    service.logins[email] = password
    sign_in(page, service, email)
    expect(page.locator("main")).to_contain_text(school)


def test_an_agent_answers_a_family_and_the_family_reads_the_answer(page, service):
    visit(page, "/help")
    page.locator("input[name=category][value=cannot-connect]").check()
    page.locator("#message").fill("The laptop will not connect to our home wifi since Monday.")
    page.locator("form[action='/help'] button[type=submit]").click()
    reference = page.locator(".govuk-panel strong").inner_text().strip()
    follow = page.locator("main a[href^='/help/t/']").get_attribute("href")

    page.context.clear_cookies()
    sign_in(page, service, AGENT)
    visit(page, "/tickets")
    page.get_by_role("link", name=reference).first.click()
    answer = "Please restart the laptop and choose your home network again."
    page.get_by_label("Or write your own reply").fill(answer)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("main")).to_contain_text(answer)

    page.context.clear_cookies()
    visit(page, follow)
    expect(page.locator("main")).to_contain_text(answer)
    screenshot(page, "family-reads-answer")


def test_an_officer_goes_from_what_ends_soon_to_the_devices_behind_the_count(page, service):
    sign_in(page, service, OFFICER)
    visit(page, "/dashboard")
    page.get_by_role("link", name=re.compile("See what ends in the next 90 days")).click()
    link = page.locator("main table a.app-count-link").first
    counted = int(link.inner_text().split("(")[0].strip().replace(",", ""))
    assert counted > 0
    link.click()
    expect(page.locator("main")).to_contain_text(f"of {counted:,}")
    expect(page.locator("main tbody tr")).to_have_count(min(counted, 50))
    screenshot(page, "officer-count-opened")
    page.locator("main tbody a").first.click()  # and on to one of the devices
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/devices/" in page.url
