"""A parent asks for help in Arabic without an account; a support agent finds the request
in the queue, right to left, and answers it."""

from playwright.sync_api import expect
from sqlalchemy import text

from support.references import normalise
from tests.e2e.conftest import axe_violations, screenshot, sign_in

AGENT = "agent@demo.example"
ARABIC_MESSAGE = "الحاسوب المحمول لا يتصل بالإنترنت منذ يوم الاثنين، أرجو المساعدة"


def test_a_family_raises_a_ticket_in_arabic_and_the_agent_sees_it_right_to_left(
    page, service, service_db
):
    page.goto("/help?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.locator("input[name=category][value=cannot-connect]").check()
    page.locator("#message").fill(ARABIC_MESSAGE)
    page.locator("form[action='/help'] button[type=submit]").click()
    reference = page.locator(".govuk-panel strong").inner_text().strip()
    screenshot(page, "family-help-sent-ar")
    assert not axe_violations(page)
    page.locator("main a[href^='/help/t/']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert not axe_violations(page)
    screenshot(page, "family-follow-ar")
    with service_db.connect() as connection:
        language = connection.execute(
            text("SELECT language FROM ticket WHERE reference = :reference"),
            {"reference": normalise(reference)},
        ).scalar_one()
    assert language == "ar"

    page.context.clear_cookies()
    sign_in(page, service, AGENT)
    page.goto("/tickets?language=ar")
    excerpt = page.get_by_text(ARABIC_MESSAGE[:20], exact=False).first
    expect(excerpt).to_be_visible()
    assert excerpt.evaluate("element => getComputedStyle(element).direction") == "rtl"
    assert excerpt.evaluate("element => element.closest('[lang]').lang") == "ar"
    screenshot(page, "agent-queue")
    page.get_by_role("link", name=reference).first.click()
    thread_message = page.get_by_text(ARABIC_MESSAGE, exact=False).first
    expect(thread_message).to_be_visible()
    assert thread_message.evaluate("element => getComputedStyle(element).direction") == "rtl"
    screenshot(page, "agent-ticket")
