"""Every page, in English and right to left in Arabic, passes axe-core's WCAG 2.2 A and AA
rules, as each user group sees it on `make run`'s demo data."""

import pytest

from tests.e2e.conftest import axe_violations, screenshot, visit

# (who, path, screenshot name or None). `None` as who: a family, not signed in.
PAGES = [
    (None, "/sign-in", "sign-in"),
    (None, "/help", "family-help"),
    (None, "/help/contacts", None),
    (None, "/help/contacts?q=Kentish", "family-contacts"),
    (None, "/help/follow", None),
    (None, "/no-such-page", None),
    ("staff@demo.example", "/", None),
    ("staff@demo.example", "/devices", None),
    ("staff@demo.example", "/devices/1", "school-device"),
    ("staff@demo.example", "/devices/7/allocate", "school-allocate"),
    ("staff@demo.example", "/families", None),
    ("staff@demo.example", "/families/1", None),
    ("staff@demo.example", "/incidents", None),
    ("staff@demo.example", "/incidents/1", None),
    ("staff@demo.example", "/devices/3/incidents/new", None),
    ("staff@demo.example", "/requests", None),
    ("staff@demo.example", "/requests/new", None),
    ("staff@demo.example", "/imports", None),
    ("staff@demo.example", "/tickets", None),
    ("staff@demo.example", "/tickets/1", None),
    ("agent@demo.example", "/tickets", None),
    ("agent@demo.example", "/tickets/1", None),
    ("agent@demo.example", "/tickets?status=all&sla=ok", None),
    ("officer@demo.example", "/requests", None),
    ("officer@demo.example", "/outbox", None),
    ("officer@demo.example", "/dashboard?days=180", None),
    ("officer@demo.example", "/dashboard/schools?days=180", None),
    ("officer@demo.example", "/dashboard/short-of-cover", None),
    ("officer@demo.example", "/dashboard/sims-at-cap", None),
    ("officer@demo.example", "/dashboard/unmet-demand", None),
    ("officer@demo.example", "/dashboard/forecast", None),
    ("staff@demo.example", "/check-ins?status=no-answer", None),
    ("officer@demo.example", "/check-ins?likely_lost=true", None),
    ("officer@demo.example", "/check-in-dates", None),
    ("officer@demo.example", "/admin", None),
    ("officer@demo.example", "/privacy", None),
    ("officer@demo.example", "/privacy/audit", "privacy-audit"),
    ("officer@demo.example", "/privacy/subject-access", None),
    ("officer@demo.example", "/privacy/subject-access?phone=07911123401", None),
    ("officer@demo.example", "/privacy/subject-access/family/1", "privacy-subject-access"),
    ("officer@demo.example", "/privacy/subject-access/family/1/erase", None),
    ("officer@demo.example", "/privacy/agreements", None),
    ("officer@demo.example", "/privacy/agreements/new", None),
    ("admin@demo.example", "/admin", "admin-index"),
    ("admin@demo.example", "/admin/councils", None),
    ("admin@demo.example", "/admin/councils/new", None),
    ("admin@demo.example", "/admin/schools", "admin-schools"),
    ("admin@demo.example", "/admin/schools/new", None),
    ("admin@demo.example", "/admin/users", None),
    ("admin@demo.example", "/admin/users/new", None),
    ("admin@demo.example", "/admin/api-keys", None),
    ("admin@demo.example", "/admin/api-keys/new", None),
    ("agent@demo.example", "/devices", None),  # the 403 page
]
LANGUAGES = ["en", "ar"]
# Pages whose error page is what is checked, with the status it must answer.
ERROR_PAGES = {("agent@demo.example", "/devices"): 403, (None, "/no-such-page"): 404}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("who", "path", "name"), PAGES, ids=[f"{w or 'family'}{p}" for w, p, _ in PAGES]
)
def test_the_page_has_no_wcag_22_aa_violations(page_as, who, path, name, language):
    page = page_as(who)
    separator = "&" if "?" in path else "?"
    visit(page, f"{path}{separator}lang={language}", status=ERROR_PAGES.get((who, path), 200))
    direction = page.locator("html").get_attribute("dir")
    assert direction == ("rtl" if language == "ar" else "ltr")
    violations = axe_violations(page)
    assert not violations, "\n".join(violations)
    if name:
        screenshot(page, name if language == "en" else f"{name}-{language}")


# (who, a list page, the link on it that opens one record): pages whose address holds an id.
RECORD_PAGES = [
    ("admin@demo.example", "/admin/councils?search=Camden", "table tbody a"),
    ("admin@demo.example", "/admin/schools", "table tbody a"),
    ("admin@demo.example", "/admin/users", "table tbody a"),
    ("staff@demo.example", "/families", "table tbody a"),
]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("who", "path", "link"), RECORD_PAGES, ids=[f"{w}{p}" for w, p, _ in RECORD_PAGES]
)
def test_a_record_page_has_no_wcag_22_aa_violations(page_as, who, path, link, language):
    page = page_as(who)
    visit(page, f"{path}{'&' if '?' in path else '?'}lang={language}")
    page.locator(link).first.click()
    page.wait_for_load_state()
    violations = axe_violations(page)
    assert not violations, f"{page.url}:\n" + "\n".join(violations)


FAMILY_PAGES = ["/", "/help", "/help/contacts?q=Kentish", "/help/follow", "/sign-in"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("path", FAMILY_PAGES)
def test_a_family_page_reflows_on_a_small_phone_without_sideways_scrolling(
    browser, service, path, language
):
    """WCAG 1.4.10: at 320 CSS pixels wide nothing needs scrolling sideways."""
    context = browser.new_context(base_url=service.base_url, viewport={"width": 320, "height": 640})
    try:
        page = context.new_page()
        visit(page, f"{path}{'&' if '?' in path else '?'}lang={language}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} in {language} is {width}px wide at 320px"
        assert not axe_violations(page)
    finally:
        context.close()


STAFF_PAGES_ON_A_PHONE = [
    ("staff@demo.example", "/devices"),
    ("staff@demo.example", "/devices/7/allocate"),
    ("agent@demo.example", "/tickets/1"),
    ("officer@demo.example", "/dashboard"),
]


@pytest.mark.parametrize(("who", "path"), STAFF_PAGES_ON_A_PHONE)
def test_a_staff_page_on_a_small_phone_has_no_wcag_22_aa_violations(
    browser, service, signed_in_states, page_as, who, path
):
    page_as(who)  # signs in once, keeping the session for the phone-sized tab
    context = browser.new_context(
        base_url=service.base_url,
        viewport={"width": 320, "height": 640},
        storage_state=signed_in_states[who],
    )
    try:
        page = context.new_page()
        visit(page, path)
        violations = axe_violations(page)
        assert not violations, "\n".join(violations)
    finally:
        context.close()
