"""Language detection, offline and limited to the languages served."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from dfc.i18n import BY_CODE
from support import language
from support.language import SERVED, UNDETECTABLE, Detection, detect_language, detector

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
    "fr": "L'ordinateur portable de mon fils ne s'allume plus et il ne peut pas faire ses devoirs",
    "it": "Il portatile di mio figlio non si accende e non può fare i compiti",
    "zh": "我儿子的笔记本电脑开不了机，他没法做作业，请帮帮我们",
    "bg": "Лаптопът на сина ми не се включва и той не може да си пише домашните",
    "ru": "Ноутбук моего сына не включается, и он не может делать домашнее задание",
    "uk": "Ноутбук мого сина не вмикається, і він не може робити домашнє завдання",
    "fa": "لپ تاپ پسرم روشن نمی شود و نمی تواند تکالیفش را انجام دهد",
    "sq": "Laptopi i djalit tim nuk ndizet dhe ai nuk mund të bëjë detyrat e shtëpisë",
    "hi": "मेरे बेटे का लैपटॉप चालू नहीं हो रहा है, कृपया मदद करें",
}
NO_INTERNET = {
    "en": "We have no internet at home since the dongle stopped working",
    "cy": "Does dim rhyngrwyd gyda ni gartref ers wythnos",
    "pl": "Nie mamy internetu w domu od tygodnia",
    "ro": "Nu avem internet acasă de o săptămână",
    "bn": "এক সপ্তাহ ধরে আমাদের বাড়িতে ইন্টারনেট নেই",
    "pt": "Não temos internet em casa há uma semana",
    "es": "No tenemos internet en casa desde hace una semana",
    "tr": "Bir haftadır evde internetimiz yok",
    "ar": "ليس لدينا إنترنت في المنزل منذ أسبوع",
    "ur": "ہمارے گھر میں ایک ہفتے سے انٹرنیٹ نہیں ہے",
    "so": "Internet kuma haysanno guriga muddo toddobaad ah",
    "gu": "અમારા ઘરે એક અઠવાડિયાથી ઇન્ટરનેટ નથી",
    "pa": "ਸਾਡੇ ਘਰ ਇੱਕ ਹਫ਼ਤੇ ਤੋਂ ਇੰਟਰਨੈੱਟ ਨਹੀਂ ਹੈ",
    "ta": "ஒரு வாரமாக எங்கள் வீட்டில் இணையம் இல்லை",
    "lt": "Jau savaitę namuose neturime interneto",
    "fr": "Nous n'avons plus internet à la maison depuis une semaine",
    "it": "Non abbiamo internet a casa da una settimana",
    "zh": "我们家已经一个星期没有网络了",
    "bg": "От една седмица нямаме интернет вкъщи",
    "ru": "У нас дома уже неделю нет интернета",
    "uk": "У нас вдома вже тиждень немає інтернету",
    "fa": "یک هفته است که در خانه اینترنت نداریم",
    "sq": "Nuk kemi internet në shtëpi prej një jave",
    "hi": "हमारे घर में एक हफ्ते से इंटरनेट नहीं है",
}


def test_every_served_language_is_detectable():
    assert UNDETECTABLE == ()
    assert sorted(SERVED.values()) == sorted(BY_CODE)
    assert set(SENTENCES) == set(NO_INTERNET) == set(BY_CODE)


@pytest.mark.parametrize(
    ("code", "text"),
    [*SENTENCES.items(), *NO_INTERNET.items()],
    ids=[*(f"{code}-laptop" for code in SENTENCES), *(f"{code}-internet" for code in NO_INTERNET)],
)
def test_each_served_language_is_recognised(code, text):
    detected = detect_language(text, family_language="en")
    assert (detected.language, detected.source) == (code, "detected")
    assert 0.6 <= detected.confidence <= 1


def test_urdu_is_not_mistaken_for_arabic():
    assert detect_language(SENTENCES["ur"]).language == "ur"
    assert detect_language(SENTENCES["ar"]).language == "ar"


def test_short_text_falls_back_to_the_familys_language_then_english():
    assert detect_language("ok", family_language="so") == Detection("so", 0.0, "family")
    assert detect_language("ok") == Detection("en", 0.0, "default")
    assert detect_language("", family_language="pl").source == "family"
    assert detect_language("07700 900123 !!! 👍", family_language="ta").language == "ta"


def test_the_familys_language_is_used_only_if_we_serve_it():
    assert detect_language("ok", family_language="pl-PL") == Detection("pl", 0.0, "family")
    assert detect_language("ok", family_language="de") == Detection("en", 0.0, "default")


def test_the_thresholds_can_be_changed():
    assert detect_language("Nie mam internetu", minimum_letters=20).source == "default"
    assert detect_language(SENTENCES["pl"], minimum_confidence=1.01).source == "default"


@pytest.mark.parametrize(
    "text",
    [
        "Mein Laptop funktioniert nicht mehr",
        "Mein Laptop funktioniert nicht mehr, bitte helfen Sie mir",
        "De laptop van mijn zoon gaat niet meer aan",
        "Min sons bärbara dator startar inte längre",
    ],
)
def test_a_language_we_do_not_serve_never_comes_back(text):
    detected = detect_language(text, family_language="pl")
    assert detected.language in BY_CODE
    if detected.source != "detected":
        assert detected.language == "pl"


@pytest.mark.parametrize(
    "text", ["私の息子のノートパソコンが起動しません", "ბიჭის ლეპტოპი არ ირთვება"]
)
def test_a_script_we_do_not_serve_falls_back(text):
    assert detect_language(text, family_language="bn") == Detection("bn", 0.0, "family")
    assert detect_language(text) == Detection("en", 0.0, "default")


def test_one_detector_is_shared_between_threads(monkeypatch):
    monkeypatch.setattr(language, "_detector", None)
    with ThreadPoolExecutor(max_workers=8) as pool:
        built = list(pool.map(lambda _: detector(), range(16)))
    assert all(each is built[0] for each in built)
