"""`make run`'s demo shows loans: the school's staff and the council's officer find one
review overdue, one return due this week, and loans with and without an accepted agreement;
a loan's page shows where its agreement stands."""

import re

from sqlmodel import select

from accounts.models import User
from dfc.demo import seed_demo
from tests.factories import sign_in_pages


def test_the_demo_has_an_overdue_review_a_return_due_and_a_loan_without_agreement(
    client, session, tmp_path
):
    seed_demo(session, var_dir=tmp_path)
    session.commit()
    for email in ("staff@demo.example", "officer@demo.example"):
        client.cookies.clear()
        user = session.exec(select(User).where(User.email == email)).one()
        sign_in_pages(client, session, user)
        every = client.get("/loans")
        # the three laptops of dfc/demo_register.py and the damaged one's loaner (the
        # stolen laptop's loan ended with the theft: dfc/demo_incidents.py)
        shown = re.search(r"Showing 1 to (\d+) of (\d+) loans", every.text)
        assert every.status_code == 200 and shown is not None
        # the officer sees the council's other schools' loans too (dfc/demo_moves.py)
        assert int(shown[2]) == 4 if email.startswith("staff") else int(shown[2]) >= 4
        overdue = client.get("/loans?due=overdue")
        assert "Showing 1 to 1 of 1 loans" in overdue.text and "Accepted" in overdue.text
        soon = client.get("/loans?due=soon")
        assert "Showing 1 to 1 of 1 loans" in soon.text
        missing = client.get("/loans?agreement=none")
        without = re.search(r"Showing 1 to \d+ of (\d+) loans", missing.text)
        assert without is not None and int(without[1]) >= 2
        loan = re.search(r'href="(/loans/\d+)"', missing.text).group(1)
        page = client.get(loan)
        assert page.status_code == 200 and "has not been asked to agree" in page.text
        assert client.get(loan + "/agreement/print").status_code == 200
