"""Browser tests: the running service (tests/e2e/server.py) driven by Playwright in
Debian's headless Chromium, with axe-core for accessibility and screenshots for the docs."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from tests.conftest import IN_CI
from tests.e2e import server

CHROMIUM = Path("/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules/axe-core/axe.min.js"
SCREENSHOTS = ROOT / "docs/screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.path):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def service() -> Iterator[server.RunningService]:
    """`make run`'s whole service on the demo data, started once for the browser tests."""
    if not CHROMIUM.exists() or not AXE.exists():
        message = f"needs {CHROMIUM} and {AXE} (run `make test`, which installs both)"
        if IN_CI:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    running = server.start(os.environ["DATABASE_URL"], os.environ.get("CELERY_BROKER_URL"))
    yield running
    server.stop(running)


@pytest.fixture(scope="session")
def service_db(service: server.RunningService) -> Iterator[Engine]:
    """The running service's own database, to check what the pages show and save."""
    engine = create_engine(service.database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def browser(service: server.RunningService):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


def _new_context(browser, service: server.RunningService, storage_state=None):
    context = browser.new_context(
        base_url=service.base_url,
        viewport={"width": 1200, "height": 900},
        accept_downloads=True,
        storage_state=storage_state,
    )
    context.set_default_timeout(15_000)
    return context


@pytest.fixture
def page(browser, service: server.RunningService):
    context = _new_context(browser, service)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def signed_in_states() -> dict[str, dict]:
    return {}


@pytest.fixture
def page_as(browser, service: server.RunningService, signed_in_states):
    """A new tab for a demo user (None: a family, not signed in), signing in through the
    form once per user and reusing that session's cookies after."""
    contexts = []

    def open_tab(email: str | None):
        context = _new_context(browser, service, signed_in_states.get(email))
        contexts.append(context)
        tab = context.new_page()
        if email and email not in signed_in_states:
            sign_in(tab, service, email)
            signed_in_states[email] = context.storage_state()
        return tab

    yield open_tab
    for context in contexts:
        context.close()


def visit(page, path: str, *, status: int = 200):
    """Opens `path` as a person would and checks the page answered as it should: a test
    that only looked at a 500 page's layout would otherwise pass."""
    response = page.goto(path)
    assert response is not None and response.status == status, (
        f"{path} answered {response.status if response else 'nothing'}, not {status}"
    )
    return response


def sign_in(page, service: server.RunningService, email: str) -> None:
    visit(page, "/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(service.logins[email])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A and AA violations on the page as it is now, one line each."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in result["violations"]
    ]


def screenshot(page, name: str) -> None:
    """Keeps a picture of the page for README and docs/screenshots."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
