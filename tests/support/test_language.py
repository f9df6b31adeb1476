"""Language detection, offline and limited to the languages served."""

import pytest

from dfc.i18n import BY_CODE
from support.language import detect_language

SENTENCES = {
    "en": "My son's laptop will not switch on and he cannot do his homework",
    "cy": "Dydy'r gliniadur ddim yn gweithio, helpwch os gwelwch yn dda",
    "pl": "Mój laptop się nie włącza, proszę o pomoc",
    "ro": "Laptopul fiului meu nu pornește și nu își poate face temele",
    "bn": "আমার ছেলের ল্যাপটপ চালু হচ্ছে না, দয়া করে সাহায্য করুন",
    "pt": "O portátil do meu filho não liga e ele não consegue fazer os trabalhos",
    "es": "El portátil de mi hijo no se enciende y no puede hacer los deberes",
    "tr": "Oğlumun dizüstü bilgisayarı açılmıyor, lütfen yardım edin",
    "ar": "الشاشة مكسورة ولا يمكن لابني الدراسة",
    "ur": "میرا لیپ ٹاپ کام نہیں کر رہا، براہ کرم مدد کریں",
    "so": "Laptop-ka wiilkayga ma shaqeynayo, fadlan i caawi",
    "gu": "મારા દીકરાનું લેપટોપ ચાલુ થતું નથી, કૃપા કરીને મદદ કરો",
    "pa": "ਮੇਰੇ ਪੁੱਤਰ ਦਾ ਲੈਪਟਾਪ ਚਾਲੂ ਨਹੀਂ ਹੋ ਰਿਹਾ, ਕਿਰਪਾ ਕਰਕੇ ਮਦਦ ਕਰੋ",
    "ta": "என் மகனின் மடிக்கணினி இயங்கவில்லை, தயவுசெய்து உதவுங்கள்",
    "lt": "Mano sūnaus nešiojamas kompiuteris neįsijungia, prašau padėti",
}


@pytest.mark.parametrize(("code", "text"), SENTENCES.items())
def test_each_served_language_is_recognised(code, text):
    detected = detect_language(text)
    assert (detected.language, detected.source) == (code, "detected")
    assert detected.confidence >= 0.6


def test_short_text_falls_back_to_the_familys_language_then_english():
    assert detect_language("ok", family_language="so").language == "so"
    assert detect_language("ok", family_language="so").source == "family"
    assert (detect_language("ok").language, detect_language("ok").source) == ("en", "default")


def test_a_language_we_do_not_serve_never_comes_back():
    detected = detect_language("Mein Laptop funktioniert nicht mehr, bitte helfen Sie mir")
    assert detected.language in BY_CODE
