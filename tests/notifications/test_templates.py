"""Family messages: translated into every served language, and English (logged) where a
catalogue has a gap. How long they may be: test_family_text_length.py."""

import logging
from datetime import date

import pytest

from dfc.i18n import LANGUAGES
from notifications.models import Audience
from notifications.templates import (
    CONTACT_WITH_PHONE,
    DEVICE_NAMES,
    ITEMS,
    TEMPLATES,
    DayMonth,
    Phrase,
    render,
    translate,
)

FAMILY_TEMPLATES = [
    name for name, t in TEMPLATES.items() if t.audience is Audience.FAMILY and t.translated
]
LAPTOP = Phrase(DEVICE_NAMES["laptop"], {"name": "DFC-0042"})
SAMPLE = {
    "date": date(2026, 12, 31),
    "contact": Phrase(
        CONTACT_WITH_PHONE, {"name": "Kentish Town Primary", "phone": "020 7946 0000"}
    ),
    "device": LAPTOP,
    "list": [
        Phrase(ITEMS["support-ending"], {"device": LAPTOP, "date": DayMonth(date(2026, 12, 31))}),
        Phrase(ITEMS["data-nearly-used"], {"percent": 0.8}),
    ],
    "percent": 0.8,
    "reference": "K7RM-3QXP",
    "code": "123456",
    "size": "10.0 MB",  # the largest file a family may send (media-refused)
    "link": "https://devices.example.org/accept/r4nd0m-t0ken",  # acceptance-link
    # check-in: the answer words (devices.check_in_words), here the Somali ones
    "yes": "HAA",
    "no": "MAYA",
    "help": "CAAWIMO",
    "network": "Vodafone",  # uplift-complete: the network's own name
    "gb": 20,
}
# The family types these back or follows them: never reworded.
SHOWN_AS_GIVEN = ("reference", "code", "link", "yes", "no", "help", "network")


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
@pytest.mark.parametrize("name", FAMILY_TEMPLATES)
def test_every_family_message_is_translated(name, language, caplog):
    with caplog.at_level(logging.WARNING, logger="notifications.templates"):
        _subject, body = render(name, language=language.code, context=SAMPLE)
    assert "missing" not in caplog.text, f"{name} has no {language.code} translation"
    if language.code != "en":
        assert body != render(name, language="en", context=SAMPLE)[1]
    for placeholder in SHOWN_AS_GIVEN:
        if f"%({placeholder})s" in TEMPLATES[name].body:
            assert str(SAMPLE[placeholder]) in body
    if "%(contact)s" in TEMPLATES[name].body:
        assert "Kentish Town Primary" in body and "020 7946 0000" in body


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


def test_a_list_of_things_due_names_each_in_the_familys_language():
    _s, polish = render("family-alerts", language="pl", context=SAMPLE)
    assert polish == (
        "Urządzenia dla Dzieci: Laptop DFC-0042: pomoc i aktualizacje do 31 grudnia. "
        "Dane 4G: zużyto 80%. Kontakt: Kentish Town Primary, 020 7946 0000."
    )
