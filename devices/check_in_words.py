"""The words a family answers a check-in with, in each served language: yes, no and help.
The first word of each is the one the text asks for ("Reply HAA, MAYA or CAAWIMO"), so the
text and the reading of the answer come from this one table. English words are always
understood, whatever the family's language; a reply is read as a whole (one word, or a
short phrase listed here), in any case, with accents and punctuation ignored."""

import re
import unicodedata

from devices.models import CheckInAnswer

YES, NO, HELP = CheckInAnswer.YES, CheckInAnswer.NO, CheckInAnswer.HELP

WORDS: dict[str, dict[CheckInAnswer, tuple[str, ...]]] = {
    "en": {YES: ("yes", "y", "yeah"), NO: ("no", "n"), HELP: ("help",)},
    "cy": {YES: ("ie", "oes", "do"), NO: ("na", "nac oes", "naddo"), HELP: ("cymorth", "help")},
    "pl": {YES: ("tak",), NO: ("nie",), HELP: ("pomoc", "pomocy")},
    "ro": {YES: ("da",), NO: ("nu",), HELP: ("ajutor",)},
    "bn": {YES: ("হ্যাঁ", "হ্যা", "ha"), NO: ("না", "na"), HELP: ("সাহায্য",)},
    "pt": {YES: ("sim",), NO: ("não", "nao"), HELP: ("ajuda",)},
    "es": {YES: ("sí", "si"), NO: ("no",), HELP: ("ayuda",)},
    "tr": {YES: ("evet",), NO: ("hay\u0131r", "hayir"), HELP: ("yard\u0131m", "yardim")},
    "ar": {YES: ("نعم",), NO: ("لا",), HELP: ("مساعدة", "مساعده")},
    "ur": {YES: ("ہاں", "جی ہاں", "haan", "han"), NO: ("نہیں", "nahin", "nahi"), HELP: ("مدد",)},
    "so": {YES: ("haa",), NO: ("maya",), HELP: ("caawimo", "caawi")},
    "gu": {YES: ("હા",), NO: ("ના",), HELP: ("મદદ",)},
    "pa": {YES: ("ਹਾਂ", "ہاں"), NO: ("ਨਹੀਂ", "نہیں"), HELP: ("ਮਦਦ", "مدد")},
    "ta": {YES: ("ஆம்", "aam"), NO: ("இல்லை", "illai"), HELP: ("உதவி",)},
    "lt": {YES: ("taip",), NO: ("ne",), HELP: ("pagalba",)},
    "fr": {YES: ("oui",), NO: ("non",), HELP: ("aide",)},
    "it": {YES: ("sì", "si"), NO: ("no",), HELP: ("aiuto",)},
    "zh": {YES: ("是", "有", "是的"), NO: ("否", "没有", "沒有", "不"), HELP: ("帮助", "幫助")},
    "bg": {YES: ("да",), NO: ("не",), HELP: ("помощ",)},
    "ru": {YES: ("да",), NO: ("нет",), HELP: ("помощь",)},
    "uk": {YES: ("так",), NO: ("ні",), HELP: ("допомога",)},
    "fa": {YES: ("بله", "آره"), NO: ("نه", "خیر"), HELP: ("کمک",)},
    "sq": {YES: ("po",), NO: ("jo",), HELP: ("ndihmë", "ndihme")},
    "hi": {YES: ("हाँ", "हां", "haan"), NO: ("नहीं", "nahin"), HELP: ("मदद",)},
}


def plain(text: str) -> str:
    """Lower case, accents and punctuation gone, spaces single: "¡Sí!" is "si". Marks that
    are letters in their script (Bengali, Tamil, Gujarati vowel signs) are kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(c for c in decomposed if not "\u0300" <= c <= "\u036f")
    return " ".join(re.sub(r"[^\w\s]+", " ", kept).split())


def _readings(language: str) -> dict[str, CheckInAnswer]:
    found: dict[str, CheckInAnswer] = {}
    for code in ("en", language):
        for answer, words in WORDS.get(code, {}).items():
            found.update({plain(word): answer for word in words})
    return found


def read_answer(body: str, languages: tuple[str, ...]) -> CheckInAnswer | None:
    """The answer a reply gives in English or any of `languages`, or None if it is not one
    of the words (a sentence goes to the desk as any text does)."""
    text = plain(body)
    for language in languages or ("en",):
        answer = _readings(language).get(text)
        if answer is not None:
            return answer
    return None


def asked_words(language: str) -> dict[str, str]:
    """The words the text asks for, in capitals: {"yes": "HAA", "no": "MAYA", ...}."""
    words = WORDS.get(language, WORDS["en"])
    return {answer.value: words[answer][0].upper() for answer in (YES, NO, HELP)}
