"""Every page as every person: sign in as each role on `make run`'s demo data (a council with
several schools), start from the home page and follow every link and every list filter. No
page may fail, show `None` or a stack trace, lack a title, or, for a family reading another
language, show English words of ours."""

import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlmodel import Session, select

from accounts.models import Organisation, User
from dfc.demo import seed_demo
from dfc.demo_register import FAMILIES
from dfc.settings import get_settings
from tests.crawl import Crawl, crawl
from tests.factories import sign_in_pages

# Three or more Latin-script words in a row, on a page in a language with another script.
LATIN_RUN = re.compile(r"[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{\w+\}")
LOCALES = Path(__file__).resolve().parent.parent / "locales"
OTHER_SCRIPTS = {"ar", "ur", "bn", "gu", "pa", "ta"}

pytestmark = pytest.mark.skipif(
    get_settings().database_url.startswith("postgresql"),
    reason="the crawl takes minutes, so it runs once, in `make test` (SQLite); the pages' "
    "queries are tested on PostgreSQL by their own tests",
)


@pytest.fixture
def demo(session: Session, tmp_path) -> Session:
    seed_demo(session, var_dir=tmp_path)
    session.commit()
    return session


def _report(result: Crawl) -> str:
    return f"{len(result.problems)} problems in {len(result.visits)} pages:\n" + "\n".join(
        result.problems[:40]
    )


@pytest.mark.parametrize(
    "email",
    [
        "staff@demo.example",
        "officer@demo.example",
        "agent@demo.example",
        "admin@demo.example",
        "network@demo.example",
    ],
)
def test_every_page_a_member_of_staff_reaches_works(client, demo, email):
    user = demo.exec(select(User).where(User.email == email)).one()
    sign_in_pages(client, demo, user)
    # A search a person types, where links alone do not go: subject access for a family.
    typed = [f"/privacy/subject-access?pupil_reference={FAMILIES[0][0]}"]
    result = crawl(client, "/", *(typed if email == "officer@demo.example" else []), limit=2500)
    least = 20 if email == "network@demo.example" else 100  # a network has one list
    assert len(result.visits) > least, [visit.url for visit in result.visits]
    assert not result.problems, _report(result)


@pytest.mark.parametrize("language", ["en", "ar", "cy"])
def test_every_page_a_family_reaches_works_in_their_language(client, demo, language):
    result = crawl(client, f"/?lang={language}")
    family_pages = [visit for visit in result.visits if not visit.url.startswith("/sign-in")]
    assert len(family_pages) > 5, [visit.url for visit in result.visits]
    assert not result.problems, _report(result)
    if language == "en":
        return
    names = " ".join(demo.exec(select(Organisation.name)))
    for visit in family_pages:
        text = " ".join(visit.text.split())
        english = [words for words in _english_of(language) if words in text]
        if language in OTHER_SCRIPTS:
            english += [run for run in LATIN_RUN.findall(text) if run.strip() not in names]
        assert not english, f"{visit.url} in {language} shows English: {english[:5]}"


def test_the_english_check_finds_english_words_on_a_page():
    """The check above would find our English sentences if a page were left untranslated."""
    english = _english_of("cy")
    assert any("laptop" in sentence or "school" in sentence for sentence in english)


@cache
def _english_of(language: str) -> tuple[str, ...]:
    """Our English sentences (the longest stretch between placeholders) whose translation
    differs: found on a page in `language`, they were left untranslated."""
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    sentences = []
    for message in catalogue:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        longest = max(PLACEHOLDER.split(message.id), key=len).strip()
        if len(longest) >= 20 and " " in longest and longest not in message.string:
            sentences.append(" ".join(longest.split()))
    return tuple(sentences)
