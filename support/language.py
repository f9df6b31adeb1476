"""Which language a family wrote in, detected offline and only among the languages we serve.
Short or mixed text is not guessed at: it falls back to the family's language, then English."""

import logging
import threading
from dataclasses import dataclass

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from dfc.i18n import ENGLISH, LANGUAGES, language_for

logger = logging.getLogger(__name__)

DETECTED, FAMILY, DEFAULT = "detected", "family", "default"


@dataclass(frozen=True, slots=True)
class Detection:
    """The language code, the detector's confidence in it (0.0 when not detected) and
    where it came from: "detected", "family" or "default"."""

    language: str
    confidence: float
    source: str


def _served() -> tuple[dict[Language, str], tuple[str, ...]]:
    """lingua's language for each served code, and the codes lingua cannot detect."""
    served: dict[Language, str] = {}
    missing: list[str] = []
    for code in (language.code for language in LANGUAGES):
        try:
            served[Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))] = code
        except (AttributeError, ValueError):
            missing.append(code)
    return served, tuple(missing)


SERVED, UNDETECTABLE = _served()
if UNDETECTABLE:  # pragma: no cover - lingua 2.x has all 24
    logger.warning("lingua cannot detect %s; left out of detection", ", ".join(UNDETECTABLE))

_lock = threading.Lock()
_detector: LanguageDetector | None = None


def detector() -> LanguageDetector:
    """The one detector for the process, restricted to the served languages and built on
    first use. Each language model loads the first time text in its script is seen."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = LanguageDetectorBuilder.from_languages(*SERVED).build()
    return _detector


def count_letters(text: str) -> int:
    """Letters in `text`; digits, punctuation, emoji and combining vowel signs do not count."""
    return sum(character.isalpha() for character in text)


def detect_language(
    text: str,
    *,
    family_language: str | None = None,
    minimum_confidence: float = 0.6,
    minimum_letters: int = 12,
) -> Detection:
    """The served language `text` is written in. Text with fewer than `minimum_letters`
    letters, or whose best guess is less than `minimum_confidence` sure, takes the family's
    preferred language if we serve it, else English."""
    if count_letters(text) >= minimum_letters:
        values = detector().compute_language_confidence_values(text)
        if values and values[0].value >= minimum_confidence:
            best = values[0]
            return Detection(SERVED[best.language], round(best.value, 3), DETECTED)
    if family := language_for(family_language):
        return Detection(family.code, 0.0, FAMILY)
    return Detection(ENGLISH.code, 0.0, DEFAULT)
