"""Which language to answer a family's text in, and whom to ask when we cannot tell: the one
rule, used for every text from a family.

1. A text that names a language ("polski", "Urdu please") or is the common word for "help"
   in one ("pomoc", "مساعدة") is that language.
2. A confident detection (Lingua, at least `minimum_confidence` sure of at least
   `minimum_letters` letters) wins, unless the text is romanised South Asian or Arabic,
   which Lingua cannot see.
3. Otherwise the family's recorded language; with none, English, and the family is asked
   for theirs in the likely languages, each in its own script."""

from dataclasses import dataclass

from dfc.i18n import BY_CODE, ENGLISH, N_, language_for, translations
from support.language import DEFAULT, DETECTED, FAMILY, count_letters, detect_language, detector
from support.language import SERVED as LINGUA_CODES
from support.language_words import help_word_language, named_language
from support.romanised import romanised_languages

NAMED, WORD, AGENT = "named", "word", "agent"
ASK_AT_MOST = 3
# Lingua's runners-up below this share are noise, not candidates worth a word.
CANDIDATE_SHARE = 0.1
INVITATION = N_('Reply "%(language)s"')
INVITATION_SEPARATOR = " / "


@dataclass(frozen=True, slots=True)
class Choice:
    """The language to answer in, how sure we are (0.0 when not detected), where it came
    from (detected, family, default, named, word) and, when we are guessing English for a
    family we do not know, the languages to ask them about."""

    language: str
    confidence: float
    source: str
    ask: tuple[str, ...] = ()


def choose_language(
    text: str,
    *,
    family_language: str | None,
    minimum_confidence: float = 0.6,
    minimum_letters: int = 12,
) -> Choice:
    if code := named_language(text):
        return Choice(code, 1.0, NAMED)
    if code := help_word_language(text):
        return Choice(code, 1.0, WORD)
    romanised = romanised_languages(text)
    if not romanised:
        detected = detect_language(
            text, minimum_confidence=minimum_confidence, minimum_letters=minimum_letters
        )
        if detected.source == DETECTED:
            return Choice(detected.language, detected.confidence, DETECTED)
    if family := language_for(family_language):
        return Choice(family.code, 0.0, FAMILY)
    return Choice(ENGLISH.code, 0.0, DEFAULT, ask=likely_languages(text, romanised))


def likely_languages(text: str, romanised: list[str]) -> tuple[str, ...]:
    """The languages to ask in: romanised evidence first (it knows what Lingua cannot), else
    Lingua's best few, none at all if its best guess is English (our answer already is)."""
    if romanised:
        return tuple(code for code in romanised if code != ENGLISH.code)[:ASK_AT_MOST]
    if count_letters(text) < 3:
        return ()
    values = detector().compute_language_confidence_values(text)
    if not values or LINGUA_CODES[values[0].language] == ENGLISH.code:
        return ()
    likely = (LINGUA_CODES[value.language] for value in values if value.value >= CANDIDATE_SHARE)
    return tuple(code for code in likely if code != ENGLISH.code)[:ASK_AT_MOST]


def invitation(codes: tuple[str, ...]) -> str:
    """One line asking the family to reply with their language's name, in each of `codes`
    (its own words and script): 'Odpisz „Polski” / Răspundeți „Română”'."""
    return INVITATION_SEPARATOR.join(
        translations(code).gettext(INVITATION) % {"language": BY_CODE[code].native_name}
        for code in codes
        if code in BY_CODE
    )
