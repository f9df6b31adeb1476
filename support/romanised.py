"""Which South Asian language, or Arabic, a text written in Latin letters probably is.

Many families text Urdu, Hindi, Panjabi, Bengali, Gujarati, Tamil or Arabic in Latin
letters ("mera laptop kharab hai", "mar7aba"). Lingua knows only each language's own script,
so it guesses Turkish or Somali with little confidence. This heuristic only decides in which
scripts to ask the family for their language, never the language itself: a few frequent
words per language, and for Arabic the digits that stand for its letters (2, 3, 5, 7).

Urdu and Hindi are one spoken language in two scripts, so they are found together and asked
in both. Words common in a language we detect in Latin letters ("de", "na", "ka") are left
out, and a text must hold two of a language's words (unless it is one word), so an Italian
"che" or an English "ache" alone finds nothing."""

import re

from dfc.i18n import BY_CODE


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# One key per spoken language; the codes it is written in, in the order we ask.
SCRIPTS: dict[str, tuple[str, ...]] = {
    "hindustani": ("ur", "hi"),
    "panjabi": ("pa", "ur"),
    "bengali": ("bn",),
    "gujarati": ("gu",),
    "tamil": ("ta",),
    "arabic": ("ar",),
}
WORDS: dict[str, frozenset[str]] = {
    "hindustani": _words(
        """mera meri mere mujhe humara hamara hamare aap apka apki kya kyun nahi nahin hai hain
        tha thi raha rahi rahe kharab kaam karta karti sakte sakta chahiye madad beta beti bacha
        bachay bachon bhai behen abhi jaldi shukriya meherbani kripya theek thik bhi aur lekin
        gaya gayi hogaya wala wali kuch kaise kab"""
    ),
    "panjabi": _words(
        """mainu sanu tusi tuhanu kiven kive nahin karda kardi chalda chaldi haiga hega
        madad chahidi chahida ji kharab gaya gayi munda kuri pra bhaji"""
    ),
    "bengali": _words(
        """amar amader ami apni apnar ache achhe kharap hocche hochche korche korchhe kaj kore
        korte hobe nai hoye geche gechhe chele meye sahajjo dhonnobad bhalo ekhon"""
    ),
    "gujarati": _words(
        """maru mari maro mara mane tame tamaru che chhe nathi kharab chalu thatu thati karo
        madad dikro dikri kem aabhar saru bagdi bagdyu"""
    ),
    "tamil": _words(
        """enna ennoda enakku illai illa vendum venum velai seyyala seiyala pannunga udhavi
        udavi paiyan ponnu nandri romba konjam iruku irukku aagala"""
    ),
    "arabic": _words(
        """marhaba salam salaam assalamu alaikum shukran habibi inshallah yalla ana mish mesh
        mafi fi wallah akhi ukhti ibni binti shoo shu keef kifak"""
    ),
}
# An Arabic letter written as a digit inside a word: mar7aba, 3ndi, la2, 5alas.
ARABIZI = re.compile(r"(?<=[a-z])[2357]|[2357](?=[a-z])")
_WORD = re.compile(r"[a-z0-9]+")


def romanised_languages(text: str) -> list[str]:
    """The served codes to ask in, most likely first: empty unless at least two of the text's
    words (or its only word) are frequent in one of these languages written in Latin
    letters, and only the languages with more than half as many such words as the best."""
    words = _WORD.findall(text.casefold())
    if not words:
        return []
    needed = min(2, len(words))
    scores: dict[str, int] = {}
    for language, frequent in WORDS.items():
        score = len(set(words) & frequent)
        if language == "arabic":
            score += sum(1 for word in words if ARABIZI.search(word))
        if score >= needed:
            scores[language] = score
    best = max(scores.values(), default=0)
    codes: list[str] = []
    # A language with half the best one's words or fewer only shares a word or two with it.
    for language in sorted(
        (key for key in scores if scores[key] * 2 > best), key=lambda key: -scores[key]
    ):
        codes.extend(code for code in SCRIPTS[language] if code in BY_CODE and code not in codes)
    return codes
