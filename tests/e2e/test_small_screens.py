"""Staff lists on a phone: at 375 pixels wide a list's table becomes one card per row, each
value with its column's name, and the page never scrolls sideways."""

import os
from pathlib import Path

import pytest

PHONE = {"width": 375, "height": 800}
# (who, list page): the lists staff open most, each as the role that works it.
STAFF_LISTS = [
    ("staff@demo.example", "/devices"),
    ("staff@demo.example", "/families"),
    ("staff@demo.example", "/requests"),
    ("agent@demo.example", "/tickets"),
    ("officer@demo.example", "/outbox"),
    ("officer@demo.example", "/dashboard/short-of-cover"),
]
SHOTS = Path(os.environ.get("DFC_SMALL_SCREEN_SHOTS", "var/screenshots/small-screens"))


def open_page(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: not 200"


@pytest.fixture
def phone(browser, service, signed_in_states, page_as):
    contexts = []

    def open_as(who: str):
        page_as(who)  # signs in once, keeping the session for the phone-sized tab
        context = browser.new_context(
            base_url=service.base_url, viewport=PHONE, storage_state=signed_in_states[who]
        )
        contexts.append(context)
        return context.new_page()

    yield open_as
    for context in contexts:
        context.close()


@pytest.mark.parametrize(("who", "path"), STAFF_LISTS, ids=[p for _w, p in STAFF_LISTS])
def test_a_staff_list_fits_a_phone_and_still_shows_its_rows(phone, who, path):
    page = phone(who)
    open_page(page, path)
    width = page.evaluate("document.documentElement.scrollWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{path.strip('/').replace('/', '-')}.png"), full_page=True)
    assert width <= PHONE["width"], f"{path} is {width}px wide on a {PHONE['width']}px phone"

    rows = page.locator("main table.app-table--stacked tbody tr")  # the list, as cards
    assert rows.count() > 0, f"{path} shows no rows"
    first = rows.first
    assert first.is_visible()
    box = first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    # Each value says which column it is: the headings are hidden on a phone.
    cell = first.locator("td").first
    label = page.evaluate("el => getComputedStyle(el, '::before').content", cell.element_handle())
    assert label not in ("none", "normal", '""'), f"{path}: a value without its column's name"


def test_a_wide_screen_keeps_the_table(phone, browser, service, signed_in_states):
    phone("staff@demo.example")
    context = browser.new_context(
        base_url=service.base_url,
        viewport={"width": 1200, "height": 900},
        storage_state=signed_in_states["staff@demo.example"],
    )
    try:
        page = context.new_page()
        open_page(page, "/devices")
        assert page.locator("main table thead").first.is_visible()
        display = page.evaluate(
            "getComputedStyle(document.querySelector('main table tbody tr')).display"
        )
        assert display == "table-row"
    finally:
        context.close()
