"""The families' "whom to contact" page: no sign-in, every served language (Arabic right to
left), find the school by its name or its council's, then each kind of problem with the
council's point of contact or the team that answers it."""

import re

import pytest
from markupsafe import escape
from sqlmodel import Session

from accounts.models import Organisation
from dfc.i18n import LANGUAGES, translations
from support.models import Category, SupportContact, Team, Via
from support.pages.help import CATEGORY_NAMES
from support.tickets import open_ticket
from tests.factories import make_council, make_school

HEADING = "Whom to contact about a problem"
HTML = {"Accept": "text/html"}


@pytest.fixture
def school(session: Session) -> Organisation:
    council = make_council(session, name="Camden")
    session.add(
        SupportContact(
            organisation_id=council.id,
            category=Category.CANNOT_CONNECT,
            team=Team.SUPPLIER,
            name="Net Supplier Ltd",
            phone="0800 123 4567",
            email="help@netsupplier.example",
            hours="Mon-Fri 8am-8pm",
        )
    )
    session.commit()
    return make_school(session, council=council, name="Kentish Town Primary")


def school_links(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'href="/help/contacts\?school=(\d+)"', page)]


def test_a_family_finds_their_school_and_sees_whom_to_contact(client, session, school):
    make_school(session, council=make_council(session, name="Hackney"), name="Hackney Wick School")
    search = client.get("/help/contacts?q=kentish")
    assert search.status_code == 200
    assert school_links(search.text) == [school.id]
    page = client.get(f"/help/contacts?school={school.id}")
    assert page.status_code == 200
    assert "Kentish Town Primary" in page.text and "Camden" in page.text
    for name in CATEGORY_NAMES.values():
        assert name in page.text
    assert "Net Supplier Ltd" in page.text and 'href="tel:08001234567"' in page.text
    assert 'href="mailto:help@netsupplier.example"' in page.text
    rows = re.findall(
        r'<dt class="govuk-summary-list__key">\s*(.*?)\s*</dt>\s*<dd[^>]*>\s*(.*?)\s*</dd>',
        page.text,
        re.S,
    )
    answers = {key: re.sub(r"\s+", " ", value) for key, value in rows}
    assert answers["The screen is broken"] == "Your child&#39;s school"
    assert answers["It cannot connect to the internet"].startswith("<bdi>Net Supplier Ltd</bdi>")


def test_a_council_name_finds_its_schools_and_nothing_else(client, session, school):
    second = make_school(
        session, council=session.get(Organisation, school.council_id), name="Argyle Primary"
    )
    make_school(session, council=make_council(session, name="Hackney"), name="Hackney Wick School")
    page = client.get("/help/contacts?q=CAMDEN").text
    assert school_links(page) == [second.id, school.id]  # by name
    assert school_links(client.get("/help/contacts?q=%25").text) == []  # % is a letter here
    nothing = client.get("/help/contacts?q=Atlantis").text
    assert "No school matches Atlantis" in nothing


def test_many_matches_ask_for_more_of_the_name(client, session):
    council = make_council(session, name="Lambeth")
    for n in range(21):
        make_school(session, council=council, name=f"St Mary's {n:02d}")
    page = client.get("/help/contacts?q=st mary").text
    assert len(school_links(page)) == 20
    assert "More schools match. Type more of the name to find yours." in page


def test_a_search_too_short_is_explained_beside_the_field(client):
    response = client.get("/help/contacts?q=a")
    assert response.status_code == 400
    assert "govuk-error-summary" in response.text and 'href="#q"' in response.text
    assert 'id="q-error"' in response.text and "Enter at least 2 letters" in response.text


@pytest.mark.parametrize("wrong", ["999999", "council"])
def test_a_school_that_is_not_there_is_not_found(client, session, school, wrong):
    school_id = school.council_id if wrong == "council" else wrong
    response = client.get(f"/help/contacts?school={school_id}&lang=pl", headers=HTML)
    assert response.status_code == 404
    assert (
        translations("pl").gettext("We cannot find that school. Search for it again.")
        in response.text
    )


def test_the_page_is_in_arabic_right_to_left(client, session, school):
    arabic = translations("ar").gettext
    page = client.get(f"/help/contacts?school={school.id}&lang=ar").text
    assert '<html lang="ar" dir="rtl"' in page
    assert f'<h1 class="govuk-heading-l">{arabic(HEADING)}</h1>' in page
    assert arabic(HEADING) != HEADING
    assert arabic(CATEGORY_NAMES[Category.BROKEN_SCREEN]) in page
    assert '<a class="govuk-link" href="tel:08001234567" dir="ltr">' in page


@pytest.mark.parametrize("language", LANGUAGES[1:], ids=lambda language: language.code)
def test_every_served_language_has_the_page_with_no_english_left(client, session, school, language):
    gettext = translations(language.code).gettext
    english = [
        HEADING,
        "School or council name",
        "Find your child's school to see whom to contact about each kind of problem.",
        "Search",
    ]
    page = client.get(f"/help/contacts?lang={language.code}").text
    direction = "rtl" if language.right_to_left else "ltr"
    assert f'<html lang="{language.code}" dir="{direction}"' in page
    assert f'<h1 class="govuk-heading-l">{gettext(HEADING)}</h1>' in page
    left = [text for text in english if gettext(text) == text or f">{text}<" in page]
    assert left == [], f"untranslated on the {language.code} page: {left}"
    chosen = client.get(f"/help/contacts?school={school.id}&lang={language.code}").text
    assert gettext("Your child's school") != "Your child's school"
    assert str(escape(gettext("Your child's school"))) in chosen


def test_the_help_form_and_the_follow_page_link_here(client, session, school):
    assert 'href="/help/contacts"' in client.get("/help?lang=ar").text
    opened = open_ticket(session, text="Help please", via=Via.WEB, organisation_id=school.id)
    session.commit()
    assert 'href="/help/contacts"' in client.get(f"/help/t/{opened.access_token}").text


def test_a_school_name_is_shown_as_text_never_as_markup(client, session):
    odd = make_school(session, council=make_council(session), name="<b>Bold</b> Academy")
    page = client.get(f"/help/contacts?school={odd.id}&lang=ar").text
    assert "<bdi>&lt;b&gt;Bold&lt;/b&gt; Academy</bdi>" in page and "<b>Bold</b>" not in page
