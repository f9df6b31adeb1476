"""A school lends a SIM on its own to a family, with its PIN and PUK: the codes are kept
encrypted, shown only to the staff who run SIMs, and each showing is in the access audit."""

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from accounts.models import Role
from dfc.audit.models import AccessAudit, SubjectType
from tests.devices.factories import make_dongle_with_sim, make_family
from tests.devices.sim_loan_setup import make_sim
from tests.factories import bearer, make_council, make_school, make_user

LEND_ON = "2026-06-02"


@pytest.fixture
def world(session: Session):
    council = make_council(session)
    school = make_school(session, council=council, name="Hillside School")
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    family = make_family(session, school=school, home_broadband=False)
    sim = make_sim(session, holder=school)
    return council, school, staff, family, sim


def lend(client, headers, family, sim, **extra):
    body = {
        "sim_id": sim.id,
        "family_id": family.id,
        "plan": "data-and-calls",
        "source": "data-bank",
        "allocated_on": LEND_ON,
        **extra,
    }
    return client.post("/api/sim-loans", json=body, headers=headers)


def test_school_staff_lend_a_sim_and_read_its_pin_and_puk_with_an_audit_row(client, session, world):
    _council, school, staff, family, sim = world
    headers = bearer(session, staff)
    answer = lend(client, headers, family, sim, pin="4321", puk="87654321")
    assert answer.status_code == 201, answer.text
    loan = answer.json()
    assert (loan["family_id"], loan["school_id"], loan["plan"]) == (
        family.id,
        school.id,
        "data-and-calls",
    )
    # At rest, the codes are not what was typed.
    raw_pin, raw_puk = session.execute(
        text("SELECT pin_sealed, puk_sealed FROM sim_codes WHERE sim_id = :s"), {"s": sim.id}
    ).one()
    assert b"4321" not in bytes(raw_pin) and b"87654321" not in bytes(raw_puk)
    assert session.exec(select(AccessAudit)).all() == []

    shown = client.get(f"/api/sim-loans/{loan['id']}/codes", headers=headers)
    assert shown.status_code == 200
    assert shown.json() == {"sim_id": sim.id, "pin": "4321", "puk": "87654321"}
    [audit] = session.exec(select(AccessAudit)).all()
    assert (audit.subject_type, audit.subject_id, audit.family_id, audit.actor_user_id) == (
        SubjectType.SIM_LOAN,
        loan["id"],
        family.id,
        staff.id,
    )


def test_a_support_agent_cannot_see_a_sims_pin_and_puk(client, session, world):
    council, _school, staff, family, sim = world
    loan = lend(client, bearer(session, staff), family, sim, pin="4321").json()
    agent = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    answer = client.get(f"/api/sim-loans/{loan['id']}/codes", headers=bearer(session, agent))
    assert answer.status_code == 403
    assert "4321" not in answer.text
    assert session.exec(select(AccessAudit)).all() == []


def test_an_api_key_cannot_see_a_sims_pin_and_puk(client, session, world):
    council, _school, staff, family, sim = world
    loan = lend(client, bearer(session, staff), family, sim, pin="4321").json()
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    created = client.post(
        "/api/api-keys",
        json={"name": "Network feed", "organisation_id": council.id},
        headers=bearer(session, officer),
    ).json()
    as_key = {"Authorization": f"Bearer {created['key']}"}
    assert client.get(f"/api/sim-loans/{loan['id']}", headers=as_key).status_code == 200
    answer = client.get(f"/api/sim-loans/{loan['id']}/codes", headers=as_key)
    assert answer.status_code == 403 and "4321" not in answer.text
    assert session.exec(select(AccessAudit)).all() == []


def test_another_schools_staff_cannot_find_the_loan_or_its_codes(client, session, world):
    council, _school, staff, family, sim = world
    loan = lend(client, bearer(session, staff), family, sim, pin="4321").json()
    other = make_user(
        session, organisation=make_school(session, council=council), role=Role.SCHOOL_STAFF
    )
    headers = bearer(session, other)
    assert client.get(f"/api/sim-loans/{loan['id']}/codes", headers=headers).status_code == 404
    assert client.get("/api/sim-loans", headers=headers).json()["total"] == 0


def test_a_sim_cannot_be_lent_twice_nor_a_dongles_sim_on_its_own(client, session, world):
    _council, school, staff, family, sim = world
    headers = bearer(session, staff)
    assert lend(client, headers, family, sim).status_code == 201
    again = lend(client, headers, make_family(session, school=school), sim)
    assert again.status_code == 409 and "already lent" in again.json()["detail"]
    _dongle, dongle_sim = make_dongle_with_sim(session, holder=school)
    in_dongle = lend(client, headers, family, dongle_sim, allocated_on="2026-02-01")
    assert in_dongle.status_code == 422 and in_dongle.json()["field"] == "sim_id"


def test_an_ended_loan_frees_the_sim_and_leaves_the_list_of_open_loans(client, session, world):
    _council, school, staff, family, sim = world
    headers = bearer(session, staff)
    loan = lend(client, headers, family, sim).json()
    ended = client.post(
        f"/api/sim-loans/{loan['id']}/end",
        json={"returned_on": "2026-09-01", "reason": "returned"},
        headers=headers,
    )
    assert ended.status_code == 200 and ended.json()["returned_on"] == "2026-09-01"
    assert client.get("/api/sim-loans?open=true", headers=headers).json()["total"] == 0
    assert lend(client, headers, make_family(session, school=school), sim).status_code == 201
    csv = client.get("/api/sim-loans?format=csv&sort=allocated_on", headers=headers)
    assert csv.status_code == 200 and csv.text.count(str(sim.id)) >= 2
