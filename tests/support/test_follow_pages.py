"""Following a request by its reference and a texted code, in the family's language."""

import re

from sqlmodel import select

from dfc.web.csrf import CSRF_COOKIE
from notifications.models import OutboxMessage
from support.models import Category, Via
from support.references import display
from support.tickets import open_ticket
from tests.devices.factories import make_family
from tests.factories import make_council, make_school


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
