"""Languages by their English names, as staff read them."""

from babel import Locale, UnknownLocaleError

# Babel says "Bangla" and "Punjabi"; UK public services say these.
ENGLISH_NAMES = {"bn": "Bengali", "pa": "Panjabi"}


def english_name(code: str) -> str:
    if code in ENGLISH_NAMES:
        return ENGLISH_NAMES[code]
    try:
        return Locale.parse(code).get_display_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code
