"""A council sees, school by school, how each family recorded without home broadband is
connected: a dongle with its device, a SIM lent on its own, or nothing yet. Checked against
the database, each family counted once."""

from collections import Counter

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.models import Allocation, Family, SimLoan
from dfc.audit.models import AccessAudit, AuditAction
from tests.devices.factories import make_allocation, make_device, make_dongle_with_sim, make_family
from tests.devices.sim_loan_setup import lend, make_sim
from tests.factories import bearer, make_council, make_school, make_user


@pytest.fixture
def world(session: Session):
    council = make_council(session)
    north = make_school(session, council=council, name="North School")
    south = make_school(session, council=council, name="South School")
    elsewhere = make_school(session, council=make_council(session), name="Elsewhere School")
    # North: one with a dongle, one with a SIM, one with both (counted under dongle), one
    # with nothing, one with a returned SIM (nothing now), one with broadband (not counted).
    for school in (north,):
        with_dongle = make_family(session, school=school, home_broadband=False)
        device = make_device(session, holder=school)
        dongle, _sim = make_dongle_with_sim(session, holder=school, device=device)
        make_allocation(session, device=device, family=with_dongle, dongle=dongle)
        lend(
            session,
            sim=make_sim(session, holder=school),
            family=make_family(session, school=school, home_broadband=False),
        )
        both = make_family(session, school=school, home_broadband=False)
        device = make_device(session, holder=school)
        dongle, _sim = make_dongle_with_sim(session, holder=school, device=device)
        make_allocation(session, device=device, family=both, dongle=dongle)
        lend(session, sim=make_sim(session, holder=school), family=both)
        make_family(session, school=school, home_broadband=False)
        returned = make_family(session, school=school, home_broadband=False)
        loan = lend(session, sim=make_sim(session, holder=school), family=returned)
        loan.returned_on = loan.allocated_on
        session.add(loan)
        session.commit()
        make_family(session, school=school, home_broadband=True)
    # South: a laptop without a dongle does not connect the family.
    family = make_family(session, school=south, home_broadband=False)
    make_allocation(session, device=make_device(session, holder=south), family=family)
    make_family(session, school=elsewhere, home_broadband=False)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    return council, north, south, officer


def routes_in_database(session: Session, school_ids: set[int]) -> dict[int, Counter]:
    """Each school's routes, worked out family by family in Python from the rows."""
    found: dict[int, Counter] = {}
    families = session.exec(select(Family).where(Family.home_broadband.is_(False))).all()
    for family in families:
        if family.school_id not in school_ids:
            continue
        dongle = session.exec(
            select(Allocation).where(
                Allocation.family_id == family.id,
                Allocation.returned_on.is_(None),
                Allocation.dongle_id.is_not(None),
            )
        ).first()
        sim = session.exec(
            select(SimLoan).where(SimLoan.family_id == family.id, SimLoan.returned_on.is_(None))
        ).first()
        route = "dongle" if dongle else "sim_only" if sim else "unconnected"
        found.setdefault(family.school_id, Counter())[route] += 1
    return found


def test_the_council_sees_each_schools_families_by_route_as_the_database_has_them(
    client, session, world
):
    _council, north, south, officer = world
    answer = client.get(
        "/api/reports/connection-routes?sort=school_name", headers=bearer(session, officer)
    )
    assert answer.status_code == 200
    rows = answer.json()["items"]
    assert [row["school_name"] for row in rows] == ["North School", "South School"]
    expected = routes_in_database(session, {north.id, south.id})
    for row in rows:
        counts = expected[row["school_id"]]
        assert row["without_broadband"] == sum(counts.values())
        assert (row["dongle"], row["sim_only"], row["unconnected"]) == (
            counts["dongle"],
            counts["sim_only"],
            counts["unconnected"],
        )
    assert (rows[0]["dongle"], rows[0]["sim_only"], rows[0]["unconnected"]) == (2, 1, 2)
    assert (rows[1]["dongle"], rows[1]["sim_only"], rows[1]["unconnected"]) == (0, 0, 1)


def test_the_unconnected_families_list_names_them_and_records_the_export(client, session, world):
    _council, north, south, officer = world
    headers = bearer(session, officer)
    page = client.get("/api/reports/connection-routes/families?route=none", headers=headers)
    assert page.status_code == 200
    items = page.json()["items"]
    assert {item["school_id"] for item in items} == {north.id, south.id}
    assert len(items) == 3 and {item["route"] for item in items} == {"none"}
    audited = session.exec(select(AccessAudit.subject_id)).all()
    assert sorted(audited) == sorted(item["id"] for item in items)

    csv = client.get(
        f"/api/reports/connection-routes/families?format=csv&school_id={north.id}", headers=headers
    )
    assert csv.status_code == 200
    lines = csv.text.lstrip("\ufeff").strip().splitlines()
    assert lines[0] == "id,school_id,pupil_reference,year_group,route"
    assert sorted(line.rsplit(",", 1)[1] for line in lines[1:]) == [
        "dongle",
        "dongle",
        "none",
        "none",
        "sim-only",
    ]
    exports = session.exec(
        select(AccessAudit).where(AccessAudit.action == AuditAction.EXPORT)
    ).all()
    assert len(exports) == 5


def test_a_school_sees_only_its_own_families(client, session, world):
    _council, north, _south, _officer = world
    staff = make_user(session, organisation=north, role=Role.SCHOOL_STAFF)
    rows = client.get("/api/reports/connection-routes", headers=bearer(session, staff)).json()
    assert [row["school_id"] for row in rows["items"]] == [north.id]


def test_a_family_with_a_sim_lent_is_not_reported_without_connectivity(client, session, world):
    _council, north, _south, officer = world
    family = make_family(session, school=north, home_broadband=False)
    make_allocation(session, device=make_device(session, holder=north), family=family)
    headers = bearer(session, officer)
    listed = client.get("/api/reports/without-connectivity", headers=headers).json()["items"]
    assert family.id in {row["family_id"] for row in listed}
    lend(session, sim=make_sim(session, holder=north), family=family)
    listed = client.get("/api/reports/without-connectivity", headers=headers).json()["items"]
    assert family.id not in {row["family_id"] for row in listed}
