"""Checks that every gettext catalogue is complete and safe to format."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from dfc.i18n import LANGUAGES as SERVED

LOCALES = Path(__file__).resolve().parent.parent / "locales"
TEMPLATE = LOCALES / "messages.pot"
# Every language the service offers families, English aside (the source text).
EXPECTED_LANGUAGES = tuple(language.code for language in SERVED if language.code != "en")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
LANGUAGES = sorted(path.parent.parent.name for path in LOCALES.glob("*/LC_MESSAGES/messages.po"))


def _read(path: Path, locale: str | None = None) -> Catalog:
    """Parse a .po or .pot file."""
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _catalogue(language: str) -> Catalog:
    """Parse one language's catalogue."""
    return _read(LOCALES / language / "LC_MESSAGES" / "messages.po", language)


def _key(message: Message) -> str:
    """The singular msgid, used to match messages and in failure text."""
    return message.id[0] if isinstance(message.id, tuple) else message.id


def _translated(catalogue: Catalog) -> dict[str, tuple[Message, list[str]]]:
    """Map each msgid to its message and its translation forms."""
    found: dict[str, tuple[Message, list[str]]] = {}
    for message in catalogue:
        if not message.id:
            continue
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        found[_key(message)] = (message, [form or "" for form in forms])
    return found


def _english_placeholders(message: Message) -> set[str]:
    """Placeholders in the English text (msgid_plural for plural messages)."""
    english = message.id[-1] if isinstance(message.id, tuple) else message.id
    return set(PLACEHOLDER.findall(english))


def test_families_are_served_in_at_least_24_languages_right_to_left_where_needed() -> None:
    """England's most spoken main languages (2021 census), each in its own script."""
    assert len(SERVED) >= 24
    right_to_left = {language.code for language in SERVED if language.right_to_left}
    assert right_to_left == {"ar", "ur", "fa"}


def test_every_expected_language_has_a_catalogue() -> None:
    """Every served language but English ships a catalogue."""
    missing = sorted(set(EXPECTED_LANGUAGES) - set(LANGUAGES))
    assert not missing, f"no messages.po for: {', '.join(missing)}"


def test_plural_english_uses_same_placeholders() -> None:
    """The singular and plural English of each message share placeholders."""
    for message in _read(TEMPLATE):
        if isinstance(message.id, tuple):
            singular, plural = (set(PLACEHOLDER.findall(text)) for text in message.id)
            assert singular == plural, f"template: {message.id[0]!r} placeholders differ"


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_is_complete(language: str) -> None:
    """Every template message is present, translated and not fuzzy."""
    translated = _translated(_catalogue(language))
    for template_message in _read(TEMPLATE):
        if not template_message.id:
            continue
        msgid = _key(template_message)
        assert msgid in translated, f"{language}: missing {msgid!r}"
        message, forms = translated[msgid]
        assert not message.fuzzy, f"{language}: fuzzy {msgid!r}"
        assert all(form.strip() for form in forms), f"{language}: untranslated {msgid!r}"
    assert not _catalogue(language).fuzzy, f"{language}: header is fuzzy"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_english(language: str) -> None:
    """Each translation keeps exactly the English placeholders and formats cleanly."""
    for msgid, (message, forms) in _translated(_catalogue(language)).items():
        expected = _english_placeholders(message)
        values = {name: "x" for name in expected}
        for index, form in enumerate(forms):
            where = f"{language}: {msgid!r} (form {index})"
            found = set(PLACEHOLDER.findall(form))
            assert found == expected, f"{where}: placeholders {found} != {expected}"
            try:
                form % values
            except (KeyError, ValueError, TypeError) as error:
                pytest.fail(f"{where}: formatting failed: {error!r}")
