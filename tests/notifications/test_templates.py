"""Family messages: translated into every served language, short, and English (logged)
where a catalogue has a gap."""

import logging
from datetime import date

import pytest

from dfc.i18n import LANGUAGES
from notifications.models import Audience
from notifications.segments import count_segments
from notifications.templates import TEMPLATES, render, translate

FAMILY_TEMPLATES = [
    name for name, t in TEMPLATES.items() if t.audience is Audience.FAMILY and t.translated
]
SAMPLE = {
    "date": date(2026, 12, 31),
    "contact": "Kentish Town Primary School",
    "percent": 0.8,
    "reference": "K7RM-3QXP",
    "code": "123456",
}
# One text in English; non-Latin scripts and most accents need UCS-2 (67 characters a part).
MOST_SEGMENTS = {"en": 1}
MOST_SEGMENTS_TRANSLATED = 4


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
@pytest.mark.parametrize("name", FAMILY_TEMPLATES)
def test_every_family_message_is_translated_and_short(name, language, caplog):
    with caplog.at_level(logging.WARNING, logger="notifications.templates"):
        _subject, body = render(name, language=language.code, context=SAMPLE)
    assert "missing" not in caplog.text, f"{name} has no {language.code} translation"
    if language.code != "en":
        assert body != render(name, language="en", context=SAMPLE)[1]
    segments, _encoding = count_segments(body)
    most = MOST_SEGMENTS.get(language.code, MOST_SEGMENTS_TRANSLATED)
    assert segments <= most, f"{name} in {language.code} is {segments} texts long"
    for placeholder, value in SAMPLE.items():
        if f"%({placeholder})s" in TEMPLATES[name].body:
            assert str(value) in body or placeholder in ("date", "percent")


def test_a_missing_translation_falls_back_to_english_and_is_logged(caplog):
    with caplog.at_level(logging.WARNING, logger="notifications.templates"):
        text = translate("A sentence no catalogue has", "pl")
    assert text == "A sentence no catalogue has"
    assert "missing pl translation" in caplog.text


def test_dates_and_shares_are_written_the_local_way():
    _s, polish = render("data-nearly-used", language="pl", context=SAMPLE)
    assert "31 grudnia 2026" in polish and "80%" in polish
    _s, welsh = render("support-ending", language="cy", context=SAMPLE)
    assert "Rhagfyr" in welsh
