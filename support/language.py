"""Which language a family wrote in, detected offline and only among the languages we serve.
Short or mixed text is not guessed at: it falls back to the family's language, then English."""

import threading
from dataclasses import dataclass

from lingua import IsoCode639_1, Language, LanguageDetector, LanguageDetectorBuilder

from dfc.i18n import BY_CODE

_lock = threading.Lock()
_detector: LanguageDetector | None = None


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float
    source: str  # "detected", "family" or "default"


def _served() -> dict[Language, str]:
    served = {}
    for code in BY_CODE:
        language = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
        served[language] = code
    return served


SERVED = _served()


def detector() -> LanguageDetector:
    """One detector for the process, built on first use (loading models takes a moment)."""
    global _detector
    with _lock:
        if _detector is None:
            _detector = (
                LanguageDetectorBuilder.from_languages(*SERVED)
                .with_preloaded_language_models()
                .build()
            )
        return _detector


def detect_language(
    text: str,
    *,
    family_language: str | None = None,
    minimum_confidence: float = 0.6,
    minimum_letters: int = 12,
) -> Detection:
    letters = sum(character.isalpha() for character in text)
    if letters >= minimum_letters:
        values = detector().compute_language_confidence_values(text)
        if values and values[0].value >= minimum_confidence:
            return Detection(SERVED[values[0].language], round(values[0].value, 3), "detected")
    if family_language in BY_CODE:
        return Detection(family_language, 0.0, "family")
    return Detection("en", 0.0, "default")
