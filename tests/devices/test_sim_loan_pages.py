"""Staff find a family's SIM-only loan in the list, open it and ask for its PIN and PUK
(recorded); a council officer follows the connection-routes report from a school's count
of unconnected families to the families themselves."""

from datetime import date

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.service.sim_loans import SimCodesIn, store_codes
from dfc.audit.models import AccessAudit, AuditAction, SubjectType
from tests.devices.factories import make_family
from tests.devices.sim_loan_setup import lend, make_sim
from tests.factories import make_council, make_school, make_user, sign_in_pages

TODAY = date(2026, 7, 1)


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: TODAY)


@pytest.fixture
def world(session: Session):
    council = make_council(session)
    school = make_school(session, council=council, name="Hillside School")
    family = make_family(session, school=school, home_broadband=False)
    sim = make_sim(session, holder=school)
    loan = lend(session, sim=sim, family=family)
    store_codes(session, sim, SimCodesIn(pin="2468", puk="13572468"))
    session.commit()
    unconnected = make_family(session, school=school, home_broadband=False)
    return council, school, family, sim, loan, unconnected


def test_staff_open_a_loan_from_the_list_and_see_its_codes_only_when_they_ask(
    client, session, world
):
    _council, school, family, sim, loan, _unconnected = world
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, staff)
    listed = client.get("/sim-loans?open=true")
    assert listed.status_code == 200
    assert sim.iccid in listed.text and f"/sim-loans/{loan.id}" in listed.text
    page = client.get(f"/sim-loans/{loan.id}")
    assert page.status_code == 200
    assert "Show PIN and PUK" in page.text and "2468" not in page.text
    assert session.exec(select(AccessAudit)).all() == []
    shown = client.post(f"/sim-loans/{loan.id}/codes", data={"csrf_token": token})
    assert shown.status_code == 200
    assert "2468" in shown.text and "13572468" in shown.text
    [audit] = session.exec(select(AccessAudit)).all()
    assert (audit.subject_type, audit.family_id, audit.actor_user_id) == (
        SubjectType.SIM_LOAN,
        family.id,
        staff.id,
    )
    csv = client.get("/sim-loans?format=csv")
    assert csv.status_code == 200 and sim.iccid in csv.text


def test_a_support_agent_cannot_open_the_codes(client, session, world):
    council, _school, _family, _sim, loan, _unconnected = world
    agent = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    token = sign_in_pages(client, session, agent)
    shown = client.post(f"/sim-loans/{loan.id}/codes", data={"csrf_token": token})
    assert shown.status_code == 403 and "2468" not in shown.text
    assert session.exec(select(AccessAudit)).all() == []


def test_an_officer_goes_from_a_schools_unconnected_count_to_the_families(client, session, world):
    council, school, family, _sim, _loan, unconnected = world
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    sign_in_pages(client, session, officer)
    report = client.get("/connection-routes")
    assert report.status_code == 200
    assert "Hillside School" in report.text
    link = f"/connection-routes/families?school={school.id}&amp;route=none"
    assert link in report.text
    families = client.get(link.replace("&amp;", "&"))
    assert families.status_code == 200
    assert unconnected.pupil_reference in families.text
    assert family.pupil_reference not in families.text  # connected by its SIM
    [audit] = session.exec(select(AccessAudit)).all()
    assert (audit.subject_id, audit.action) == (unconnected.id, AuditAction.READ)
    csv = client.get("/connection-routes?format=csv")
    assert csv.status_code == 200 and "Hillside School,2,0,1,1" in csv.text


def test_staff_lend_a_sim_from_the_familys_page_and_a_bad_puk_is_named(client, session, world):
    _council, school, _family, _sim, _loan, unconnected = world
    free = make_sim(session, holder=school)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    token = sign_in_pages(client, session, staff)
    family_page = client.get(f"/families/{unconnected.id}")
    assert f"/families/{unconnected.id}/sim-loan" in family_page.text
    form = client.get(f"/families/{unconnected.id}/sim-loan")
    assert form.status_code == 200 and free.iccid in form.text
    fields = {
        "csrf_token": token,
        "sim_id": str(free.id),
        "plan": "data-only",
        "source": "network",
        "allocated_on-day": "3",
        "allocated_on-month": "6",
        "allocated_on-year": "2026",
        "pin": "1111",
        "puk": "123",
    }
    refused = client.post(f"/families/{unconnected.id}/sim-loan", data=fields)
    assert refused.status_code == 400 and "Enter the PUK as 8 digits" in refused.text
    fields["puk"] = "12345678"
    lent = client.post(f"/families/{unconnected.id}/sim-loan", data=fields, follow_redirects=False)
    assert lent.status_code == 303
    page = client.get(lent.headers["location"])
    assert page.status_code == 200 and free.iccid in page.text
    shown = client.post(lent.headers["location"] + "/codes", data={"csrf_token": token})
    assert "12345678" in shown.text
    report = client.get(f"/connection-routes?format=csv&school={school.id}")
    assert "Hillside School,2,0,2,0" in report.text
