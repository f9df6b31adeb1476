"""Fixtures shared by the desk's tests: a council, one of its schools and a support agent
(a test file may define its own), photos by text, a local LibreTranslate-compatible server,
and settings that point the service at it."""

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from accounts.models import Organisation, User
from dfc.settings import get_settings
from tests.factories import make_council, make_school
from tests.fakes.translate_server import FakeTranslate
from tests.support.desk_helpers import make_agent
from tests.support.media_helpers import media  # noqa: F401 (the photos-by-text fixture)

TRANSLATION_KEY = "test-translation-key"


@pytest.fixture
def council(session: Session) -> Organisation:
    return make_council(session, name="Camden")


@pytest.fixture
def school(session: Session, council: Organisation) -> Organisation:
    return make_school(session, council=council, name="Kentish Town Primary")


@pytest.fixture
def agent(session: Session, council: Organisation) -> User:
    """A support agent of the council (Amina Agent)."""
    return make_agent(session, council)


@pytest.fixture
def fake_translate() -> Iterator[FakeTranslate]:
    with FakeTranslate(api_key=TRANSLATION_KEY) as server:
        yield server


@pytest.fixture
def translation(
    fake_translate: FakeTranslate, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeTranslate]:
    """The service configured with a translation service: the local fake, with its key."""
    for name, value in {
        "TRANSLATION_URL": fake_translate.url,
        "TRANSLATION_API_KEY": TRANSLATION_KEY,
        "TRANSLATION_TIMEOUT_SECONDS": "1",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield fake_translate
    monkeypatch.undo()
    get_settings.cache_clear()
