"""`make run`'s demo shows the check-ins: the council's dates (one gone, one to come), the
school's families who answered neither text, and the council's devices likely lost."""

import html
import re

from sqlmodel import select

from accounts.models import User
from dfc.demo import seed_demo
from tests.factories import sign_in_pages


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_demo_shows_dates_a_no_answer_list_and_likely_lost_devices(session, client, tmp_path):
    seed_demo(session, var_dir=tmp_path)
    session.commit()
    officer = session.exec(select(User).where(User.email == "officer@demo.example")).one()
    staff = session.exec(select(User).where(User.email == "staff@demo.example")).one()
    sign_in_pages(client, session, officer)
    dates = text_of(client.get("/check-in-dates").text)
    assert "Last term's check-in (demo)" in dates and "Next term's check-in (demo)" in dates
    lost = text_of(client.get("/check-ins?likely_lost=true").text)
    assert "Likely lost" in lost and "No check-ins match" not in lost
    sign_in_pages(client, session, staff)
    no_answer = client.get("/check-ins?status=no-answer")
    assert no_answer.status_code == 200
    shown = text_of(no_answer.text)
    assert "No answer to either text" in shown and "No check-ins match" not in shown
