"""The GOV.UK layout every page extends: languages, right to left, assets, errors, CSRF."""

import pytest
from fastapi.routing import APIRoute

from dfc.app import PAGE_ROUTERS
from dfc.i18n import LANGUAGES, translations
from dfc.web.templating import LANGUAGE_COOKIE


def test_the_sign_in_page_uses_gov_uk_frontend_served_by_the_app(client):
    page = client.get("/sign-in").text
    assert 'class="govuk-template"' in page and "govuk-input" in page
    assert 'href="/static/govuk/govuk-frontend.min.css?v=' in page
    assert "https://" not in page.split("<body")[0], "nothing may load from another site"
    for asset in (
        "/static/govuk/govuk-frontend.min.css",
        "/static/govuk/govuk-frontend.min.js",
        "/assets/images/favicon.svg",
        "/static/app/app.css",
    ):
        assert client.get(asset).status_code == 200, asset


def test_the_language_switcher_offers_every_language_in_its_own_name(client):
    page = client.get("/sign-in").text
    for language in LANGUAGES[1:]:
        assert f'hreflang="{language.code}"' in page and language.native_name in page


@pytest.mark.parametrize(("code", "direction"), [("ar", "rtl"), ("ur", "rtl"), ("cy", "ltr")])
def test_a_chosen_language_sets_lang_and_direction_and_is_remembered(client, code, direction):
    response = client.get(f"/sign-in?lang={code}")
    assert f'<html lang="{code}" dir="{direction}"' in response.text
    assert response.cookies[LANGUAGE_COOKIE] == code
    assert f'<html lang="{code}"' in client.get("/sign-in").text


def test_the_browser_language_is_used_when_none_is_chosen(client):
    page = client.get("/sign-in", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.5"}).text
    assert '<html lang="pl" dir="ltr"' in page


def test_the_home_page_offers_a_family_help_first_and_staff_their_sign_in(client):
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 200
    for link in ('href="/help"', 'href="/help/follow"', 'href="/help/contacts"', 'href="/sign-in"'):
        assert link in response.text


@pytest.mark.parametrize("code", ["ar", "pl", "so"])
def test_the_home_page_is_in_the_familys_language(client, code):
    page = client.get(f"/?lang={code}").text
    assert f'<html lang="{code}"' in page
    assert "Get help with a laptop or 4G dongle" not in page
    assert "Already asked? Follow your request" not in page


def test_a_missing_page_is_a_plain_page_not_a_stack_trace(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Page not found" in response.text and "Traceback" not in response.text
    missing = client.get("/api/no-such-thing").json()
    assert (missing["code"], missing["problems"]) == ("not-found", [])


def form_routes() -> list[str]:
    return [
        route.path
        for router in PAGE_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and "POST" in route.methods
    ]


@pytest.mark.parametrize("path", form_routes())
def test_every_form_refuses_a_post_without_a_csrf_token(client, path):
    client.get("/sign-in")
    response = client.post(path, data={"email": "a@b.c", "password": "x"}, follow_redirects=False)
    assert response.status_code == 403


@pytest.mark.parametrize("language", LANGUAGES[1:], ids=lambda language: language.code)
def test_the_sign_in_page_is_translated_into_every_served_language(client, language):
    translated = translations(language.code).gettext("Sign in")
    assert translated != "Sign in", f"no compiled catalogue for {language.code} (run make)"
    page = client.get(f"/sign-in?lang={language.code}").text
    assert f'<h1 class="govuk-heading-l">{translated}</h1>' in page


@pytest.mark.parametrize(
    "path",
    [
        "/help/contacts?school=99999999999999999999",
        "/api/support/follow/x?page=99999999999999999999",
        "/families/99999999999999999999",
        "/privacy/audit?until=9999-12-31",
        "/privacy/audit?since=0001-01-01",
    ],
)
def test_a_number_or_date_too_large_is_the_requests_fault_not_a_500(client, session, path):
    from accounts.models import Role
    from tests.factories import make_council, make_user, sign_in_pages

    officer = make_user(session, organisation=make_council(session), role=Role.COUNCIL_OFFICER)
    sign_in_pages(client, session, officer)
    response = client.get(path, headers={"Accept": "text/html"})
    assert response.status_code in (400, 404, 422), response.status_code
