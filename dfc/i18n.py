"""The languages we serve and their gettext catalogues, shared by pages and messages."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.support import NullTranslations, Translations

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    right_to_left: bool = False


# English first, then Welsh, then London's most spoken languages after English, then the
# next most spoken in England (the 2021 census's main languages) that detection can tell.
LANGUAGES: tuple[Language, ...] = (
    Language("en", "English"),
    Language("cy", "Cymraeg"),
    Language("pl", "Polski"),
    Language("ro", "Română"),
    Language("bn", "বাংলা"),
    Language("pt", "Português"),
    Language("es", "Español"),
    Language("tr", "Türkçe"),
    Language("ar", "العربية", right_to_left=True),
    Language("ur", "اردو", right_to_left=True),
    Language("so", "Soomaali"),
    Language("gu", "ગુજરાતી"),
    Language("pa", "ਪੰਜਾਬੀ"),
    Language("ta", "தமிழ்"),
    Language("lt", "Lietuvių"),
    Language("fr", "Français"),
    Language("it", "Italiano"),
    Language("zh", "中文"),
    Language("bg", "Български"),
    Language("ru", "Русский"),
    Language("uk", "Українська"),
    Language("fa", "فارسی", right_to_left=True),
    Language("sq", "Shqip"),
    Language("hi", "हिन्दी"),
)
BY_CODE = {language.code: language for language in LANGUAGES}
ENGLISH = BY_CODE["en"]


def language_for(tag: str | None) -> Language | None:
    """The served language for a tag such as 'pl', 'pl-PL' or 'en_GB', if we serve it."""
    if not tag:
        return None
    return BY_CODE.get(tag.replace("_", "-").split("-")[0].strip().lower())


def negotiate(
    *, asked: str | None, remembered: str | None, accept_language: str | None, default: str
) -> Language:
    """An explicit choice first, then the remembered one, then the browser's, then default."""
    for tag in (asked, remembered):
        if language := language_for(tag):
            return language
    for part in (accept_language or "").split(","):
        if language := language_for(part.split(";")[0]):
            return language
    return language_for(default) or ENGLISH


class _Catalogue(Translations):
    """gettext's empty msgid is the catalogue's own header ("Project-Id-Version: ..."), never
    a message: an empty text stays empty, so no page can show the header."""

    def gettext(self, message: str) -> str:
        return super().gettext(message) if message else message


@lru_cache
def translations(code: str) -> NullTranslations:
    """The catalogue for `code`; English, or a missing catalogue, falls back to the source text."""
    return _Catalogue.load(str(LOCALES_DIR), [code], domain=DOMAIN)


def babel_locale(language: Language, default: str) -> Locale:
    """The Babel locale for dates and numbers: en means the default (en-GB), not en-US."""
    if language.code == "en":
        return Locale.parse(default, sep="-")
    return Locale.parse(language.code)


def N_(message: str) -> str:
    """Marks a string for the catalogue; it is translated where it is shown."""
    return message
