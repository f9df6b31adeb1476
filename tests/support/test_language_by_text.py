"""Language, when unsure, is asked, not guessed: what a family who texts us gets back, and
which language their ticket is handled in. Every text comes through the signed webhook, as
Twilio sends it (the real SDK's RequestValidator signs it)."""

import itertools

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation
from devices.models import Family
from dfc.i18n import BY_CODE
from notifications.models import OutboxMessage
from support.language_words import HELP_WORDS
from support.models import Ticket, TicketLanguageChange, TicketMessage
from tests.devices.factories import make_family
from tests.factories import make_council, make_school
from tests.notifications.conftest import AUTH_TOKEN

INBOUND = "https://devices.example.org/api/twilio/inbound"
ROMAN_URDU = (
    "Assalam o alaikum, mera beta ka laptop kharab ho gaya hai, kya aap madad kar sakte hain"
)
_sids = itertools.count(1)
_phones = itertools.count(1)
# The common word for "help" in each served language that has one (English "help" is the
# HELP keyword, answered before the desk sees it).
HELP = {code: words[0] for code, words in HELP_WORDS.items() if code in BY_CODE}


@pytest.fixture
def school(session: Session) -> Organisation:
    return make_school(session, council=make_council(session), name="Kentish Town Primary")


def new_phone() -> str:
    return f"+4479222{next(_phones):05d}"


def text_in(client, twilio, sender: str, body: str) -> None:
    form = {"From": sender, "Body": body, "MessageSid": f"SM{next(_sids):032d}"}
    params, signature = twilio.signed_status_callback(INBOUND, AUTH_TOKEN, form)
    response = client.post(
        "/api/twilio/inbound", data=params, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 200


def sent(session: Session, phone: str) -> list[OutboxMessage]:
    session.expire_all()
    statement = select(OutboxMessage).where(OutboxMessage.recipient == phone)
    return list(session.exec(statement.order_by(OutboxMessage.id)))


def ticket_of(session: Session, phone: str) -> Ticket:
    session.expire_all()
    return session.exec(select(Ticket).where(Ticket.phone_number == phone)).one()


def recorded_language(session: Session, family: Family) -> str:
    session.expire_all()
    return session.get(Family, family.id).preferred_language


def changes(session: Session) -> list[TicketLanguageChange]:
    return list(session.exec(select(TicketLanguageChange).order_by(TicketLanguageChange.id)))


def test_every_served_language_but_english_has_a_word_for_help():
    assert set(HELP) == set(BY_CODE) - {"en"}


@pytest.mark.parametrize(("code", "word"), sorted(HELP.items()))
def test_a_one_word_text_for_help_is_answered_in_its_language(client, session, twilio, code, word):
    phone = new_phone()
    text_in(client, twilio, phone, word)
    ticket = ticket_of(session, phone)
    assert (ticket.language, ticket.language_source) == (code, "word")
    [received] = sent(session, phone)
    assert (received.template, received.locale) == ("ticket-received", code)
    assert "we have your message" not in received.body  # not the English text


def test_pomoc_from_an_unknown_number_gets_polish_not_english(client, session, twilio):
    phone = new_phone()
    text_in(client, twilio, phone, "Pomoc!")
    [received] = sent(session, phone)
    assert received.body.startswith("Urządzenia dla Dzieci: mamy Twoją wiadomość")


def test_romanised_urdu_is_answered_in_english_and_asked_in_urdu_script(client, session, twilio):
    phone = new_phone()
    text_in(client, twilio, phone, ROMAN_URDU)
    ticket = ticket_of(session, phone)
    assert (ticket.language, ticket.language_source) == ("en", "default")
    received, question = sent(session, phone)
    assert received.template == "ticket-received" and "we have your message" in received.body
    assert question.template == "language-question"
    assert question.body.startswith('"اردو" لکھ کر جواب دیں')  # "reply 'Urdu'", in Urdu
    if "hi" in BY_CODE:  # Hindi is the same spoken language: asked in its script too
        assert BY_CODE["hi"].native_name in question.body
    assert question.segments <= 2


def test_naming_the_language_in_reply_sets_it_and_is_confirmed_in_it(client, session, twilio):
    phone = new_phone()
    text_in(client, twilio, phone, ROMAN_URDU)
    text_in(client, twilio, phone, "اردو")
    ticket = ticket_of(session, phone)
    assert (ticket.language, ticket.language_source) == ("ur", "named")
    *_, confirmed = sent(session, phone)
    assert (confirmed.template, confirmed.locale) == ("language-set", "ur")
    assert "شکریہ" in confirmed.body
    [change] = changes(session)
    assert (change.from_language, change.to_language) == ("en", "ur")
    assert change.changed_by == "family by text" and "اردو" in change.reason
    assert [m.body for m in session.exec(select(TicketMessage))] == [ROMAN_URDU, "اردو"]


@pytest.mark.parametrize("reply", ["Polish", "polski", " POLSKI! ", "Polish please"])
def test_a_known_familys_reply_naming_a_language_sets_theirs_too(
    client, session, twilio, school, reply
):
    family = make_family(session, school=school, language="en")
    text_in(client, twilio, family.phone_number, "Laptop nie")
    assert ticket_of(session, family.phone_number).language == "en"  # their recorded language
    text_in(client, twilio, family.phone_number, reply)
    assert recorded_language(session, family) == "pl"
    assert ticket_of(session, family.phone_number).language == "pl"
    [change] = changes(session)
    assert (change.family_id, change.family_from_language) == (family.id, "en")
    assert sent(session, family.phone_number)[-1].body.startswith(
        "Urządzenia dla Dzieci: dziękujemy"
    )


def test_a_first_text_that_names_a_language_opens_the_ticket_in_it(client, session, twilio, school):
    family = make_family(session, school=school, language="en")
    text_in(client, twilio, family.phone_number, "Soomaali")
    ticket = ticket_of(session, family.phone_number)
    assert (ticket.language, ticket.language_source) == ("so", "named")
    assert recorded_language(session, family) == "so"
    [received] = sent(session, family.phone_number)
    assert (received.template, received.locale) == ("ticket-received", "so")
    [change] = changes(session)
    assert (change.from_language, change.to_language, change.family_from_language) == (
        None,
        "so",
        "en",
    )


@pytest.mark.parametrize("text", ["Laptop nie", "ok thanks", ROMAN_URDU, "Salam"])
def test_a_low_confidence_text_from_a_family_recorded_as_polish_stays_polish(
    client, session, twilio, school, text
):
    family = make_family(session, school=school, language="pl")
    text_in(client, twilio, family.phone_number, text)
    ticket = ticket_of(session, family.phone_number)
    assert (ticket.language, ticket.language_source) == ("pl", "family")
    [received] = sent(session, family.phone_number)  # no question: we know their language
    assert (received.template, received.locale) == ("ticket-received", "pl")


def test_a_confident_text_still_wins_over_the_recorded_language(client, session, twilio, school):
    family = make_family(session, school=school, language="pl")
    text_in(client, twilio, family.phone_number, "Laptopul fiului meu nu pornește deloc")
    assert ticket_of(session, family.phone_number).language == "ro"
    assert recorded_language(session, family) == "pl"  # only naming changes it


def test_a_clear_text_settles_a_ticket_we_only_defaulted(client, session, twilio):
    phone = new_phone()
    text_in(client, twilio, phone, "Laptop nie")
    _received, question = sent(session, phone)
    assert question.body.startswith("Odpisz „Polski”")
    text_in(client, twilio, phone, "Mój laptop się nie włącza, proszę o pomoc")
    ticket = ticket_of(session, phone)
    assert (ticket.language, ticket.language_source) == ("pl", "detected")
    assert sent(session, phone)[-1].template == "language-set"
    text_in(client, twilio, phone, "Laptopul fiului meu nu pornește deloc")
    assert ticket_of(session, phone).language == "pl"  # settled: only naming changes it now


def test_an_ordinary_follow_up_changes_nothing_and_sends_nothing(client, session, twilio, school):
    family = make_family(session, school=school, language="pl")
    text_in(client, twilio, family.phone_number, "Laptop mojego syna nie chce się włączyć")
    text_in(client, twilio, family.phone_number, "Still broken, sorry")
    assert ticket_of(session, family.phone_number).language == "pl"
    assert [m.template for m in sent(session, family.phone_number)] == ["ticket-received"]
    assert changes(session) == []


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("amar cheler laptop kharap hoye geche, ki korbo", "বাংলা"),
        ("maru laptop chalu nathi thatu, madad karo", "ગુજરાતી"),
        ("en paiyan laptop velai seyyala, udhavi vendum", "தமிழ்"),
        ("mainu madad chahidi aa, laptop kam nahin karda", "ਪੰਜਾਬੀ"),
        ("mar7aba, el laptop 3atlan, shukran", "العربية"),
    ],
    ids=["bengali", "gujarati", "tamil", "panjabi", "arabizi"],
)
def test_romanised_texts_are_asked_in_the_right_script(client, session, twilio, text, script):
    phone = new_phone()
    text_in(client, twilio, phone, text)
    _received, question = sent(session, phone)
    assert f'"{script}"' in question.body or f"„{script}”" in question.body
