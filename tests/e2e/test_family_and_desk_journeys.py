"""A parent asks for help in Arabic without an account; a support agent finds the request
in the queue, right to left, and answers it."""

import re
import secrets
import time

from playwright.sync_api import expect
from sqlalchemy import text

from support.references import normalise
from tests.e2e.conftest import axe_violations, screenshot, sign_in, visit

AGENT = "agent@demo.example"
ARABIC_MESSAGE = "الحاسوب المحمول لا يتصل بالإنترنت منذ يوم الاثنين، أرجو المساعدة"


def test_a_family_raises_a_ticket_in_arabic_and_the_agent_sees_it_right_to_left(
    page, service, service_db
):
    visit(page, "/help?lang=ar")
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
    visit(page, "/tickets?language=ar")
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


def _texts_to(service_db, phone: str, *, wait: float = 45) -> list[dict]:
    """The texts to `phone` once none is still waiting (or, after `wait` seconds, as they
    are): a text held until the morning stays pending, and the caller's check fails."""
    deadline = time.monotonic() + wait
    while True:
        with service_db.connect() as connection:
            rows = [
                dict(row._mapping)
                for row in connection.execute(
                    text(
                        "SELECT template, status, body FROM outbox_message "
                        "WHERE recipient = :phone ORDER BY id"
                    ),
                    {"phone": phone},
                )
            ]
        settled = all(row["status"].lower() in ("sent", "delivered") for row in rows)
        if (rows and settled) or time.monotonic() > deadline:
            return rows
        time.sleep(0.5)


def test_a_family_asks_at_night_follows_by_reference_and_code_and_replies(
    page, service, service_db
):
    """The service runs inside quiet hours (tests/e2e/server.py), as at 23:00 in London."""
    number = f"{secrets.randbelow(1000):03d}"
    phone, e164 = f"07700 900 {number}", f"+447700900{number}"
    visit(page, "/help")
    page.locator("input[name=category][value=cannot-connect]").check()
    page.locator("#message").fill("The dongle shows no signal at all this evening.")
    page.locator("#phone_number").fill(phone)
    page.locator("form[action='/help'] button[type=submit]").click()
    reference = page.locator(".govuk-panel strong").inner_text().strip()

    page.context.clear_cookies()  # another evening, another phone: by reference and code
    visit(page, "/help/follow")
    page.get_by_label("Reference").fill(reference)
    page.get_by_role("button", name="Text me a code").click()
    texts = _texts_to(service_db, e164)
    assert [row["status"].lower() for row in texts] == ["sent"] * len(texts), texts
    code_text = next(row for row in texts if row["template"] == "ticket-follow-code")
    code = re.search(r"\b\d{6}\b", code_text["body"]).group()
    page.get_by_label("Code").fill(code)
    page.get_by_role("button", name="See my request").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    page.reload()  # the page can be opened again, as any page
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)

    reply = "It works near the window but not upstairs."
    page.get_by_label("Reply to us").fill(reply)
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("main")).to_contain_text(reply)
    screenshot(page, "family-replied")

    page.context.clear_cookies()
    sign_in(page, service, AGENT)
    visit(page, "/tickets")
    page.get_by_role("link", name=reference).first.click()
    expect(page.locator("main")).to_contain_text(reply)
