"""Fixtures shared by the desk's tests: photos by text, a local LibreTranslate-compatible
server, and settings that point the service at it."""

from collections.abc import Iterator

import pytest

from dfc.settings import get_settings
from tests.fakes.translate_server import FakeTranslate
from tests.support.media_helpers import media  # noqa: F401 (the photos-by-text fixture)

TRANSLATION_KEY = "test-translation-key"


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
