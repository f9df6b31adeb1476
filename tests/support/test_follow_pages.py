"""Following a request by its reference and a texted code, or by its private link, in the
family's language, and replying from it."""

import re

import pytest
from sqlmodel import select

from accounts.models import Role
from dfc.caller import Caller
from dfc.i18n import translations
from dfc.web.csrf import CSRF_COOKIE
from notifications.models import OutboxMessage
from support.desk import thread
from support.models import Author, Category, TicketStatus, Via
from support.references import display
from support.tickets import open_ticket
from tests.devices.factories import make_family
from tests.factories import make_council, make_school, sign_in_pages


def _ticket_with_phone(session):
    school = make_school(session, council=make_council(session))
    family = make_family(session, school=school, language="ar")
    opened = open_ticket(
        session,
        text="لا يعمل",
        via=Via.WEB,
        category=Category.LOCKED_OUT,
        phone=family.phone_number,
    )
    session.commit()
    return opened.ticket


def _post(client, path, **fields):
    client.get("/help/follow")
    return client.post(path, data={"csrf_token": client.cookies[CSRF_COOKIE], **fields})


def _texted_code(session) -> str:
    texted = session.exec(
        select(OutboxMessage).where(OutboxMessage.template == "ticket-follow-code")
    ).one()
    return re.search(r"\b(\d{6})\b", texted.body).group(1)


def test_a_reference_and_the_texted_code_open_the_request_once(client, session):
    ticket = _ticket_with_phone(session)
    reference = display(ticket.reference)
    asked = _post(client, "/help/follow", reference=reference.lower())
    assert asked.status_code == 200 and 'name="code"' in asked.text
    code = _texted_code(session)
    opened = _post(client, "/help/follow/code", reference=reference, code=code)
    assert opened.status_code == 200 and reference in opened.text and "لا يعمل" in opened.text
    again = _post(client, "/help/follow/code", reference=reference, code=code)
    assert again.status_code == 400, "a code opens the request once"


def test_the_code_page_can_be_refreshed_without_texting_another_code(client, session):
    ticket = _ticket_with_phone(session)
    reference = display(ticket.reference)
    client.get("/help/follow")
    asked = client.post(
        "/help/follow",
        data={"csrf_token": client.cookies[CSRF_COOKIE], "reference": reference},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    for _ in range(2):  # the family refreshes the page
        page = client.get(asked.headers["location"])
        assert page.status_code == 200 and 'name="code"' in page.text and reference in page.text
    texted = session.exec(
        select(OutboxMessage).where(OutboxMessage.template == "ticket-follow-code")
    ).all()
    assert len(texted) == 1


def test_an_unknown_reference_gets_the_same_answer_and_no_text(client, session):
    _ticket_with_phone(session)
    unknown = _post(client, "/help/follow", reference="ZZZZ-ZZZZ")
    assert unknown.status_code == 200 and 'name="code"' in unknown.text
    codes = select(OutboxMessage).where(OutboxMessage.template == "ticket-follow-code")
    assert session.exec(codes).all() == []
    wrong = _post(client, "/help/follow/code", reference="ZZZZ-ZZZZ", code="123456")
    assert wrong.status_code == 400 and 'href="#code"' in wrong.text


def test_a_wrong_code_or_reference_is_explained_beside_its_field(client, session):
    ticket = _ticket_with_phone(session)
    short = _post(client, "/help/follow", reference="K7RM")
    assert short.status_code == 400 and 'id="reference-error"' in short.text
    _post(client, "/help/follow", reference=display(ticket.reference))
    empty = _post(client, "/help/follow/code", reference=display(ticket.reference), code="")
    assert empty.status_code == 400 and 'id="code-error"' in empty.text
    wrong = _post(client, "/help/follow/code", reference=display(ticket.reference), code="000000")
    assert wrong.status_code == 400 and "Your request" not in wrong.text


def test_the_follow_pages_are_in_the_familys_language_right_to_left(client):
    page = client.get("/help/follow?lang=ar").text
    assert '<html lang="ar" dir="rtl"' in page
    assert "Follow your request" not in page and "Text me a code" not in page


def test_codes_for_one_request_are_limited_so_a_phone_is_not_flooded(client, session):
    ticket = _ticket_with_phone(session)
    for _ in range(5):
        answer = _post(client, "/help/follow", reference=display(ticket.reference))
        assert answer.status_code == 200 and 'name="code"' in answer.text  # same answer
    codes = select(OutboxMessage).where(OutboxMessage.template == "ticket-follow-code")
    assert len(session.exec(codes).all()) == 3


# Replying from the follow page


def _follow_link(client, session, *, language="en"):
    """A family's request and its private link, with a reply from an agent waiting on them."""
    from support.desk import reply
    from tests.factories import make_user

    school = make_school(session, council=make_council(session))
    opened = open_ticket(
        session, text="The laptop is locked", via=Via.WEB, organisation_id=school.id,
        category=Category.LOCKED_OUT, language=language,
    )  # fmt: skip
    agent = make_user(session, organisation=school, role=Role.SUPPORT_AGENT)
    caller = Caller.for_user(agent, school)
    reply(session, caller=caller, ticket_id=opened.ticket.id, text="Which laptop is it?")
    session.commit()
    return opened.ticket, f"/help/t/{opened.access_token}", agent


def test_a_family_replies_from_the_follow_page_and_the_agent_sees_it(client, session):
    ticket, link, agent = _follow_link(client, session)
    page = client.get(link).text
    assert "Waiting for your reply" in page and 'name="message"' in page
    sent = client.post(
        link,
        data={"csrf_token": client.cookies[CSRF_COOKIE], "message": "The grey Dell one"},
        follow_redirects=False,
    )
    assert (sent.status_code, sent.headers["location"]) == (303, f"{link}?replied=1#messages")
    shown = client.get(sent.headers["location"]).text
    assert "We have your reply" in shown and "The grey Dell one" in shown
    assert "Being looked at" in shown, "the reply reopens the request, as a text would"
    session.refresh(ticket)
    assert ticket.status is TicketStatus.OPEN
    family_words = [m for m in thread(session, ticket, include_internal=True)][-1]
    assert (family_words.author, family_words.via) == (Author.FAMILY, Via.WEB)
    client.cookies.clear()
    sign_in_pages(client, session, agent)
    desk = client.get(f"/tickets/{ticket.id}").text
    assert "The grey Dell one" in desk


def test_a_reply_too_long_or_empty_is_explained_beside_the_box_and_not_saved(client, session):
    ticket, link, _agent = _follow_link(client, session)
    client.get(link)
    for wrong in ("", "x" * 1601):
        answer = client.post(
            link, data={"csrf_token": client.cookies[CSRF_COOKIE], "message": wrong}
        )
        assert answer.status_code == 400 and 'id="reply-error"' in answer.text
        assert 'href="#reply"' in answer.text
    assert len(thread(session, ticket, include_internal=True)) == 2
    forged = client.post(link, data={"csrf_token": "forged", "message": "Hello"})
    assert forged.status_code == 403


def test_a_closed_request_takes_no_reply_and_says_how_to_ask_again(client, session):
    ticket, link, _agent = _follow_link(client, session)
    ticket.status = TicketStatus.CLOSED
    session.add(ticket)
    session.commit()
    page = client.get(link).text
    assert 'name="message"' not in page and 'href="/help"' in page
    client.post(link, data={"csrf_token": client.cookies[CSRF_COOKIE], "message": "Hi"})
    assert len(thread(session, ticket, include_internal=True)) == 2


def test_a_family_with_the_reference_and_code_replies_and_comes_back_to_the_request(
    client, session
):
    ticket = _ticket_with_phone(session)
    _post(client, "/help/follow", reference=display(ticket.reference))
    opened = _post(
        client, "/help/follow/code", reference=display(ticket.reference), code=_texted_code(session)
    )
    assert opened.url.path == "/help/follow/request" and "لا يعمل" in opened.text
    sent = client.post(
        "/help/follow/request",
        data={"csrf_token": client.cookies[CSRF_COOKIE], "message": "ما زال لا يعمل"},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    assert sent.headers["location"].startswith("/help/follow/request?replied=1")
    assert "ما زال لا يعمل" in client.get(sent.headers["location"]).text
    assert thread(session, ticket, include_internal=False)[-1].body == "ما زال لا يعمل"
    client.cookies.delete("dfc_follow", path="/help/follow/request")
    gone = client.get("/help/follow/request", follow_redirects=False)
    assert (gone.status_code, gone.headers["location"]) == (303, "/help/follow")


def test_a_forged_or_expired_pass_opens_nothing(session):
    from datetime import timedelta

    from dfc.db_types import utcnow
    from support.follow import follow_pass, ticket_for_pass

    ticket = _ticket_with_phone(session)
    good = follow_pass(ticket)
    assert ticket_for_pass(session, good).id == ticket.id
    ticket_id, expires, signature = good.split(".")
    assert ticket_for_pass(session, f"{int(ticket_id) + 1}.{expires}.{signature}") is None
    assert ticket_for_pass(session, "nonsense") is None
    assert ticket_for_pass(session, good, now=utcnow() + timedelta(hours=2)) is None


@pytest.mark.parametrize("code", ["cy", "ar"])
def test_the_follow_page_and_its_reply_form_are_in_the_familys_language(client, session, code):
    _ticket, link, _agent = _follow_link(client, session, language=code)
    gettext = translations(code).gettext
    page = client.get(f"{link}?lang={code}").text
    direction = "rtl" if code == "ar" else "ltr"
    assert f'<html lang="{code}" dir="{direction}"' in page
    for english in (
        "Waiting for your reply",
        "Reply to us",
        "Send reply",
        "Who to contact about this",
    ):
        assert gettext(english) != english and gettext(english) in page, english
        assert f">{english}<" not in page
    assert "Project-Id-Version" not in page and "Content-Type: text/plain" not in page
    client.get(link)
    wrong = client.post(link, data={"csrf_token": client.cookies[CSRF_COOKIE], "message": ""})
    assert "Project-Id-Version" not in wrong.text
    assert gettext("There is a problem") in wrong.text
    sent = client.post(link, data={"csrf_token": client.cookies[CSRF_COOKIE], "message": "Diolch"})
    assert gettext("We have your reply. We will answer as soon as we can.") in sent.text
    assert "Project-Id-Version" not in sent.text


@pytest.mark.parametrize("code", ["cy", "ar"])
def test_no_follow_page_shows_the_catalogues_header(client, session, code):
    """gettext("") is the catalogue's header: an error page with no message of its own (a
    wrong method on the follow page's address) showed it, in every language but English."""
    assert translations(code).gettext("") == ""
    _ticket, link, _agent = _follow_link(client, session, language=code)
    wrong_method = client.put(f"{link}?lang={code}", headers={"Accept": "text/html"})
    assert wrong_method.status_code == 405
    assert "Project-Id-Version" not in wrong_method.text
    assert "Content-Type: text/plain" not in wrong_method.text


def test_the_reply_box_takes_its_direction_from_what_the_family_types(client, session):
    _ticket, link, _agent = _follow_link(client, session, language="ar")
    page = client.get(f"{link}?lang=ar").text
    box = re.search(r"<textarea[^>]*>", page)[0]
    assert 'dir="auto"' in box and 'name="message"' in box


@pytest.mark.parametrize("code", ["cy", "ar"])
def test_a_wrong_link_is_explained_in_the_familys_language(client, code):
    answer = client.get(f"/help/t/guessed?lang={code}", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    explained = translations(code).gettext(
        "We cannot find a request for this link. Check the link, or follow your request by "
        "its reference."
    )
    assert explained.startswith(("Ni allwn", "لا نجد")) and explained in answer.text
    assert "Project-Id-Version" not in answer.text
