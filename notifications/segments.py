"""How many SMS parts a text costs, and in which encoding: one character outside the GSM 03.38
alphabet (most non-Latin scripts, many accented letters, every emoji) turns the whole message
into UCS-2, which fits 70 characters a part instead of 160."""

# The GSM 03.38 basic character set (ESC, 0x1B, is left out: it introduces the extension table).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each costs two septets (ESC and the character).
GSM_EXTENSION = frozenset("\f^{}\\[~]|€")
GSM_ANY = GSM_BASIC | GSM_EXTENSION

GSM_SINGLE, GSM_PART = 160, 153  # septets; a part loses 7 to the concatenation header
UCS2_SINGLE, UCS2_PART = 70, 67  # UTF-16 code units

GSM_7 = "GSM-7"
UCS_2 = "UCS-2"


def _gsm_width(char: str) -> int | None:
    """Septets the character takes in GSM-7, or None if GSM-7 cannot carry it."""
    if char in GSM_BASIC:
        return 1
    if char in GSM_EXTENSION:
        return 2
    return None


def _ucs2_width(char: str) -> int:
    """UTF-16 code units: characters beyond the BMP (emoji) are a surrogate pair."""
    return 2 if ord(char) > 0xFFFF else 1


def _parts(widths: list[int], *, single: int, per_part: int) -> int:
    """Parts needed; a character's units are never split across two parts, as phones do."""
    if sum(widths) <= single:
        return 1
    parts, used = 1, 0
    for width in widths:
        if used + width > per_part:
            parts, used = parts + 1, 0
        used += width
    return parts


def _even_parts(units: int, *, single: int, per_part: int) -> int:
    """Parts for characters one unit wide each: what `_parts` counts, by arithmetic."""
    return 1 if units <= single else -(-units // per_part)


def count_segments(text: str) -> tuple[int, str]:
    """(segments, "GSM-7" or "UCS-2") for `text`; an empty text still costs one segment."""
    # Most texts are plain: every character one septet (or one UTF-16 unit), so the parts
    # follow from the length. The daily scan counts hundreds of thousands.
    characters = set(text)
    if characters <= GSM_BASIC:
        return _even_parts(len(text), single=GSM_SINGLE, per_part=GSM_PART), GSM_7
    if not characters <= GSM_ANY and max(map(ord, characters)) <= 0xFFFF:
        return _even_parts(len(text), single=UCS2_SINGLE, per_part=UCS2_PART), UCS_2
    gsm_widths = [_gsm_width(char) for char in text]
    if all(width is not None for width in gsm_widths):
        widths = [width for width in gsm_widths if width is not None]
        return _parts(widths, single=GSM_SINGLE, per_part=GSM_PART), GSM_7
    widths = [_ucs2_width(char) for char in text]
    return _parts(widths, single=UCS2_SINGLE, per_part=UCS2_PART), UCS_2
