"""Words that say a language outright: its name ("polski", "Polish", "اردو") and the common
one-word cry for help ("pomoc", "ayuda", "مساعدة"). Both are tables keyed by language code,
so a newly served language is one entry; codes we do not serve are skipped.

Choices: a word shared by several languages maps to the served one ("pomoc" is Polish, and
Czech, Slovak and Croatian too, none of which we serve); a word two served languages share
is left out ("socorro", Spanish and Portuguese; "help", English and Welsh). "مدد" is Urdu:
Arabic says "مساعدة" and Persian "کمک". English "help" never gets here: HELP is a consent
keyword, answered before the desk sees it."""

import unicodedata

from dfc.i18n import BY_CODE

# English names and other spellings; each served language's own name (dfc.i18n) is added.
NAMES: dict[str, tuple[str, ...]] = {
    "en": ("english", "saesneg"),
    "cy": ("welsh", "cymraeg"),
    "pl": ("polish", "polski", "po polsku", "polskie"),
    "ro": ("romanian", "romana", "limba romana", "romaneste"),
    "bn": ("bengali", "bangla", "bangali", "বাংলা"),
    "pt": ("portuguese", "portugues"),
    "es": ("spanish", "espanol", "castellano"),
    "tr": ("turkish", "turkce"),
    "ar": ("arabic", "arabi", "عربي", "العربيه", "عربى"),
    "ur": ("urdu", "اردو"),
    "so": ("somali", "af soomaali", "afsoomaali"),
    "gu": ("gujarati", "gujrati"),
    "pa": ("panjabi", "punjabi", "pakistani punjabi", "پنجابی"),
    "ta": ("tamil", "thamizh", "tamizh"),
    "lt": ("lithuanian", "lietuviu", "lietuviskai"),
    "fr": ("french", "francais"),
    "it": ("italian", "italiano"),
    "zh": ("chinese", "mandarin", "中文", "汉语", "普通话", "國語"),
    "bg": ("bulgarian", "български", "bulgarski"),
    "ru": ("russian", "русский", "russkiy", "po russki"),
    "uk": ("ukrainian", "українська", "ukrainska"),
    "fa": ("persian", "farsi", "dari", "فارسی", "دری"),
    "sq": ("albanian", "shqip", "shqipe"),
    "hi": ("hindi", "हिन्दी", "हिंदी"),
}

# A one-word text that is the common word for "help" (or "help me") in one language.
HELP_WORDS: dict[str, tuple[str, ...]] = {
    "cy": ("cymorth", "helpwch"),
    "pl": ("pomoc", "pomocy", "pomozcie"),
    "ro": ("ajutor", "ajutati-ma", "ajutati"),
    "bn": ("সাহায্য", "সাহায্য করুন"),
    "pt": ("ajuda", "ajudem", "ajude-me"),
    "es": ("ayuda", "ayudame", "ayudenme", "auxilio"),
    "tr": ("yardim", "yardim edin"),
    "ar": ("مساعدة", "مساعده", "ساعدوني", "النجدة"),
    "ur": ("مدد", "مدد کریں"),
    "so": ("caawimo", "caawi", "i caawi", "gargaar"),
    "gu": ("મદદ", "મદદ કરો"),
    "pa": ("ਮਦਦ", "ਮਦਦ ਕਰੋ"),
    "ta": ("உதவி", "உதவுங்கள்"),
    "lt": ("pagalba", "padekite", "pagalbos"),
    "fr": ("aide", "aidez-moi", "au secours"),
    "it": ("aiuto", "aiutatemi"),
    "zh": ("帮助", "帮忙", "救命", "幫助"),
    "bg": ("помощ", "помогнете"),
    "ru": ("помощь", "помогите"),
    "uk": ("допомога", "допоможіть"),
    "fa": ("کمک", "کمک کنید"),
    "sq": ("ndihme", "ndihmoni"),
    "hi": ("मदद", "सहायता", "मदद करें"),
}
# Letters that do not come apart into a base and an accent.
_PLAIN = str.maketrans(
    # dotless i, l and o and d with a stroke, sharp s; the Arabic alif maqsura and ta
    # marbuta, often typed as yeh and heh
    {
        "\u0131": "i",
        "\u0142": "l",
        "\u00f8": "o",
        "\u0111": "d",
        "\u00df": "ss",
        "\u0649": "\u064a",
        "\u0629": "\u0647",
    }
)


def fold(text: str) -> str:
    """`text` lowercased, without Latin accents, punctuation or extra spaces, so "Română!",
    "romana" and " ROMANA " are one key. Accents come off Latin letters only: an Indic vowel
    sign is part of the word."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept: list[str] = []
    for character in unicodedata.normalize("NFD", text):
        if unicodedata.combining(character) and kept and kept[-1].isascii():
            continue
        if unicodedata.category(character)[0] in "PS":
            kept.append(" ")
            continue
        kept.append(character)
    folded = unicodedata.normalize("NFC", "".join(kept)).translate(_PLAIN)
    return " ".join(folded.split())


def _table(entries: dict[str, tuple[str, ...]], *, with_own_names: bool) -> dict[str, str]:
    """Folded word → served code, for the languages we serve now."""
    table: dict[str, str] = {}
    for code, words in entries.items():
        if code not in BY_CODE:
            continue
        own = (BY_CODE[code].native_name,) if with_own_names else ()
        for word in (*own, *words):
            table.setdefault(fold(word), code)
    return table


_NAMES = _table(NAMES, with_own_names=True)
_HELP = _table(HELP_WORDS, with_own_names=False)
# Words around a name that do not change it: "Urdu please", "in Polish", "my language is Somali".
_AROUND_A_NAME = {"please", "pls", "in", "my", "language", "is", "i", "speak", "read", "the"}


def named_language(text: str) -> str | None:
    """The served language `text` names, if that is all it says."""
    folded = fold(text)
    if folded in _NAMES:
        return _NAMES[folded]
    rest = " ".join(word for word in folded.split() if word not in _AROUND_A_NAME)
    return _NAMES.get(rest) if rest != folded else None


def help_word_language(text: str) -> str | None:
    """The served language whose common word for "help" `text` is, if it is only that."""
    return _HELP.get(fold(text))
