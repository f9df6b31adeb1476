"""Test data and page reading for the desk's page tests."""

import re
from datetime import datetime

from sqlmodel import Session

from accounts.models import Organisation, Role, User
from support.models import Category, Ticket, Via
from support.tickets import open_ticket
from tests.factories import make_user

ARABIC = "الشاشة مكسورة ولا يمكن لابني الدراسة"
POLISH = "Dzień dobry, laptop mojego syna nie chce się włączyć. Co mam zrobić?"
PHONES = iter(f"+4479001{n:05d}" for n in range(100000))


def make_agent(session: Session, council: Organisation, name: str = "Amina Agent") -> User:
    user = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    user.full_name = name
    session.add(user)
    session.commit()
    return user


# Only tickets whose replies a test follows get a phone: each text queues a task on the
# test run's broker, which tests/test_worker.py's worker must get through.
def raise_ticket(
    session: Session,
    school: Organisation,
    text: str = "The laptop will not switch on",
    *,
    language: str = "en",
    category: Category = Category.WILL_NOT_SWITCH_ON,
    phone: bool = False,
    now: datetime | None = None,
) -> Ticket:
    opened = open_ticket(
        session,
        text=text,
        via=Via.WEB,
        category=category,
        phone=next(PHONES) if phone else None,
        language=language,
        organisation_id=school.id,
        now=now,
    )
    session.commit()
    return opened.ticket


def shown_ids(page: str) -> list[int]:
    return [int(found) for found in re.findall(r'href="/tickets/(\d+)"', page)]


def reference(ticket: Ticket) -> str:
    return f"{ticket.reference[:4]}-{ticket.reference[4:]}"


def post(client, token: str, path: str, **fields):
    return client.post(path, data={"csrf_token": token, **fields}, follow_redirects=False)
