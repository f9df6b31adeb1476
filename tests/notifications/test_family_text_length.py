"""No family text costs more than three SMS segments, in any language we serve, with the
longest values it meets in practice: a long school name with its phone number, an asset tag,
dates in the locale's own words (September is long in most), and, for the morning's list,
everything one laptop and its dongle can raise at once."""

import importlib
from datetime import date

import pytest

import devices.acceptance_terms  # noqa: F401 (registers acceptance-link)
from dfc.i18n import LANGUAGES
from dfc.worker import TASK_MODULES
from notifications.models import Audience
from notifications.segments import count_segments
from notifications.templates import (
    CONTACT_WITH_PHONE,
    DEVICE_NAMES,
    ITEMS,
    TEMPLATES,
    DayMonth,
    Phrase,
    render,
)

for module in TASK_MODULES:  # the worker's view: every domain's templates registered
    importlib.import_module(module)
importlib.import_module("dfc.app")

MOST_SEGMENTS = 3
# The message is someone's own words (an agent's reply): its length is theirs, not ours.
FAMILY_TEMPLATES = sorted(
    name for name, t in TEMPLATES.items() if t.audience is Audience.FAMILY and t.translated
)
LAPTOP = Phrase(DEVICE_NAMES["laptop"], {"name": "DFC-004217"})
ENDS = date(2026, 9, 30)
RENEWS = date(2026, 10, 1)
WORST = {
    "date": ENDS,
    "contact": Phrase(
        CONTACT_WITH_PHONE, {"name": "St Bartholomew's Primary School", "phone": "020 7946 0000"}
    ),
    "device": LAPTOP,
    "percent": 0.8,
    "reference": "K7RM-3QXP",
    "code": "123456",
    "size": "10.0 MB",  # the largest file a family may send (media-refused)
    # A handover's link (acceptance-link): a council's address and a 32-character token.
    "link": "https://devices.example.gov.uk/accept/" + "x" * 32,
    # check-in: the longest answer words of any language (devices.check_in_words)
    "yes": "HAA",
    "no": "NAHIN",
    "help": "CAAWIMO",
    "network": "Virgin Media O2",  # uplift-complete: the longest network name
    "gb": 100,
}
# A laptop and its dongle: the laptop's support or lack of it, the 4G contract, the data.
MORNINGS = [
    [
        Phrase(ITEMS[laptop], {"device": LAPTOP, "date": DayMonth(ENDS)}),
        Phrase(ITEMS["connectivity-ending"], {"date": DayMonth(ENDS)}),
        Phrase(ITEMS[data], {"date": DayMonth(RENEWS), "percent": 0.8}),
    ]
    for laptop in ("support-ending", "unsupported")
    for data in ("data-nearly-used", "data-used-up")
]


def _longest(name: str, language: str) -> tuple[int, str]:
    """The most segments `name` takes in `language`, with the body that takes them."""
    bodies = [
        render(name, language=language, context={**WORST, "list": items})[1]
        for items in (MORNINGS if name == "family-alerts" else [[]])
    ]
    return max((count_segments(body)[0], body) for body in bodies)


def test_the_family_templates_include_the_alerts_and_the_desks_messages():
    assert {"support-ending", "family-alerts", "family-alerts-short", "ticket-received"} <= set(
        FAMILY_TEMPLATES
    )


@pytest.mark.parametrize("language", LANGUAGES, ids=lambda language: language.code)
def test_every_family_text_fits_in_three_segments(language):
    too_long = []
    for name in FAMILY_TEMPLATES:
        segments, body = _longest(name, language.code)
        if segments > MOST_SEGMENTS:
            too_long.append(f"{name} in {language.code}: {segments} segments: {body}")
    assert not too_long, "\n".join(too_long)
