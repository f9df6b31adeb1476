"""`make run`'s demo shows the feature: one unfiltered laptop, a router to review, and a
safeguarding lead set for the demo council."""

from sqlmodel import select

from accounts.models import User
from devices.filtering import unfiltered
from devices.service import safeguarding
from dfc.clock import today
from dfc.demo import seed_demo
from tests.devices.management_setup import caller_of


def test_the_demo_lists_one_unfiltered_laptop_and_one_router_and_has_a_lead(session, tmp_path):
    seed_demo(session, var_dir=tmp_path)
    session.commit()
    officer = session.exec(select(User).where(User.email == "officer@demo.example")).one()
    rows = session.execute(unfiltered(caller_of(session, officer), today=today())).all()
    assert sorted((row.item, row.reason) for row in rows) == [
        ("device", "no-filtering"),
        ("router", "sim-replaced"),
    ]
    lead = safeguarding.lead_of(session, officer.organisation_id)
    assert lead is not None and lead.email == "safeguarding@demo.example"
