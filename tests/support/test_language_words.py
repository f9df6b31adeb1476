"""The words that say a language outright, and romanised South Asian and Arabic texts: which
language they point to, and whom we ask, for realistic texts families send."""

import pytest

from dfc.i18n import BY_CODE
from support import language_words
from support.language_choice import choose_language, invitation
from support.language_words import NAMES, fold, help_word_language, named_language
from support.romanised import romanised_languages


def test_every_served_language_can_be_named_by_its_own_name_and_in_english():
    for code, language in BY_CODE.items():
        assert named_language(language.native_name) == code
        assert named_language(NAMES[code][0].upper()) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("polski", "pl"),
        ("Polish.", "pl"),
        ("ROMANA", "ro"),
        ("Română", "ro"),
        ("اردو", "ur"),
        ("urdu please", "ur"),
        ("in Bengali", "bn"),
        ("my language is Somali", "so"),
        ("Soomaali", "so"),
        ("turkce", "tr"),
        ("Punjabi", "pa"),
        ("lietuviu", "lt"),
    ],
)
def test_a_language_is_named_in_any_case_with_or_without_accents(text, code):
    assert named_language(text) == code


@pytest.mark.parametrize("text", ["Polish laptop broken", "hello", "", "English homework"])
def test_a_sentence_that_mentions_a_language_does_not_name_it(text):
    assert named_language(text) is None


@pytest.mark.parametrize(
    ("word", "code"),
    [("Pomoc!", "pl"), ("YARDIM", "tr"), ("yardım", "tr"), ("Ajutor", "ro"), ("مدد", "ur")],
)
def test_a_word_for_help_maps_to_its_language(word, code):
    assert help_word_language(word) == code
    assert choose_language(word, family_language="en").source == "word"


def test_a_language_not_served_yet_is_skipped_until_it_is(monkeypatch):
    assert "sq" not in BY_CODE or named_language("shqip") == "sq"
    table = language_words._table({"xx": ("klingon",)}, with_own_names=True)
    assert table == {}  # xx is not served: nothing points to it


def test_accents_come_off_latin_letters_only():
    assert fold(" Lietuvių ") == "lietuviu"
    assert fold("ગુજરાતી") == "ગુજરાતી"  # the vowel signs are part of the word


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("mera laptop kharab ho gaya hai, kya aap madad kar sakte hain", "ur"),
        ("Beta ka laptop kaam nahi kar raha, jaldi madad chahiye", "ur"),
        ("mainu madad chahidi aa, munde da laptop nahin chalda", "pa"),
        ("amar meyer laptop kharap hoye geche, ekhon ki korbo", "bn"),
        ("maru laptop chalu nathi thatu, tame madad karo", "gu"),
        ("enakku udhavi vendum, laptop velai seyyala", "ta"),
        ("salam, el laptop mish sha3'al, shukran", "ar"),
        ("la2 ma 3ndi internet", "ar"),
    ],
)
def test_romanised_texts_point_to_the_right_script(text, first):
    assert romanised_languages(text)[0] == first
    chosen = choose_language(text, family_language=None)
    assert (chosen.language, chosen.source, chosen.ask[0]) == ("en", "default", first)
    assert BY_CODE[first].native_name in invitation(chosen.ask)


@pytest.mark.parametrize(
    "text",
    [
        "El portátil de mi hijo no se enciende y no puede hacer los deberes",
        "Laptop-ka wiilkayga ma shaqeynayo, fadlan i caawi",
        "My son's laptop will not switch on and he cannot do his homework",
        "O portátil do meu filho não liga e ele não consegue fazer os trabalhos",
        "Il computer che mi hanno dato non funziona",
    ],
)
def test_ordinary_latin_script_sentences_are_not_taken_for_romanised_ones(text):
    assert romanised_languages(text) == []


def test_a_text_that_looks_english_asks_nobody():
    assert choose_language("hi laptop broke", family_language=None).ask == ()
    assert choose_language("👍", family_language=None).ask == ()
