"""What is unfiltered, checked against the database: a device with a child and neither a web
filter licence in force nor filtering management; a router whose SIM was replaced until
staff confirm its filtering. Scoped to the caller like every list."""

import pytest
from sqlmodel import select

from accounts.models import Role
from devices.connectivity_schemas import SimCreate
from devices.filtering import Filters, Reason, count_unfiltered, unfiltered
from devices.models import (
    DeviceEvent,
    DeviceManagement,
    EnrolmentState,
    FilteringReview,
    OwnerKind,
)
from devices.service import connectivity, safeguarding
from tests.devices.factories import make_dongle_with_sim
from tests.devices.filtering_setup import TODAY, build, with_child
from tests.devices.management_setup import caller_of
from tests.factories import bearer, make_council, make_school, make_user


@pytest.fixture(autouse=True)
def frozen_today(monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: TODAY)


@pytest.fixture
def world(session, council, school):
    return build(session, council, school)


def listed(session, caller, **filters) -> set[str]:
    statement = unfiltered(caller, today=TODAY, filters=Filters(**filters))
    return {row.label for row in session.execute(statement)}


def replace_sim(session, caller, router, iccid="8944000000000000999"):
    sim_in = SimCreate(
        iccid=iccid,
        network_operator="EE",
        dongle_id=router.id,
        holder_id=router.holder_id,
        contract_starts_on=TODAY,
    )
    sim = connectivity.create_sim(session, caller=caller, sim_in=sim_in)
    session.commit()
    return sim


def test_only_devices_with_a_child_and_nothing_filtering_them_are_listed(session, world, officer):
    caller = caller_of(session, officer)
    assert listed(session, caller) == {"NO-FILTER", "LAPSED-FILTER", "GOOGLE-NOT-TICKED"}
    assert count_unfiltered(session, caller, today=TODAY) == 3


def test_a_manager_filters_only_once_the_council_says_so(session, world, council, officer):
    caller = caller_of(session, officer)
    settings = safeguarding.settings_of(session, council.id)
    settings.google_admin_filters, settings.intune_filters = True, False
    session.add(settings)
    session.commit()
    assert listed(session, caller) == {"NO-FILTER", "LAPSED-FILTER", "FILTER-INTUNE"}


def test_a_returned_or_family_owned_device_is_not_the_councils_to_filter(
    session, world, school, officer
):
    world.unfiltered.owner_kind = OwnerKind.FAMILY
    session.add(world.unfiltered)
    session.commit()
    assert "NO-FILTER" not in listed(session, caller_of(session, officer))


def test_replacing_a_routers_sim_flags_its_filtering_until_staff_confirm_it(
    session, world, officer
):
    caller = caller_of(session, officer)
    assert "sim-replaced" not in {
        r.reason for r in session.execute(unfiltered(caller, today=TODAY))
    }
    replace_sim(session, caller, world.router)
    rows = session.execute(
        unfiltered(caller, today=TODAY, filters=Filters(reason=Reason.SIM_REPLACED))
    ).all()
    assert [(r.item, r.dongle_id, r.since) for r in rows] == [("router", world.router.id, TODAY)]
    review = session.exec(select(FilteringReview)).one()
    assert review.reviewed_at is None and "Test User" in review.flagged_by

    safeguarding.confirm_review(session, caller=caller, dongle_id=world.router.id, note="bar on")
    session.commit()
    session.refresh(review)
    assert review.reviewed_at is not None and "Test User" in review.reviewed_by
    assert review.review_note == "bar on"
    assert world.router.imei not in listed(session, caller)


def test_a_routers_first_sim_or_a_dongles_new_sim_needs_no_review(session, world, school, officer):
    caller = caller_of(session, officer)
    dongle, _sim = make_dongle_with_sim(session, holder=school)
    replace_sim(session, caller, dongle)  # a dongle: its device's filtering covers it
    assert session.exec(select(FilteringReview)).all() == []


def test_the_review_is_on_the_paired_devices_history(session, world, officer):
    caller = caller_of(session, officer)
    world.router.paired_device_id = world.unfiltered.id
    session.add(world.router)
    session.commit()
    replace_sim(session, caller, world.router)
    safeguarding.confirm_review(session, caller=caller, dongle_id=world.router.id)
    session.commit()
    actions = session.exec(
        select(DeviceEvent.action).where(DeviceEvent.device_id == world.unfiltered.id)
    ).all()
    assert {"filtering-review-flagged", "filtering-reviewed"} <= set(actions)


def test_another_councils_devices_are_neither_listed_nor_reachable(
    session, client, world, officer, headers
):
    other = make_council(session)
    other_school = make_school(session, council=other)
    with_child(session, other_school, "OTHER-COUNCIL")
    other_officer = make_user(session, organisation=other, role=Role.COUNCIL_OFFICER)
    assert listed(session, caller_of(session, other_officer)) == {"OTHER-COUNCIL"}
    assert "OTHER-COUNCIL" not in listed(session, caller_of(session, officer))
    replace_sim(session, caller_of(session, officer), world.router)
    answer = client.post(
        f"/api/dongles/{world.router.id}/filtering-review",
        json={},
        headers=bearer(session, other_officer),
    )
    assert answer.status_code == 404
    answer = client.get("/api/reports/unfiltered", headers=bearer(session, other_officer))
    assert [item["label"] for item in answer.json()["items"]] == ["OTHER-COUNCIL"]


def test_the_api_lists_filters_and_exports_the_unfiltered(
    session, client, world, council, school, headers
):
    answer = client.get("/api/reports/unfiltered?sort=label", headers=headers)
    assert answer.status_code == 200
    body = answer.json()
    assert body["total"] == 3
    assert [item["label"] for item in body["items"]] == [
        "GOOGLE-NOT-TICKED",
        "LAPSED-FILTER",
        "NO-FILTER",
    ]
    assert body["items"][0]["reason"] == "no-filtering"
    assert body["items"][0]["holder_id"] == school.id
    other_school = make_school(session, council=council)
    with_child(session, other_school, "ELSEWHERE")
    only = client.get(f"/api/reports/unfiltered?school_id={school.id}", headers=headers).json()
    assert only["total"] == 3
    csv = client.get("/api/reports/unfiltered?format=csv", headers=headers)
    assert csv.status_code == 200 and "ELSEWHERE" in csv.text and "NO-FILTER" in csv.text
    assert client.get("/api/reports/unfiltered?sort=nonsense", headers=headers).status_code == 422


def test_the_api_flags_a_replaced_sim_and_confirms_the_review(session, client, world, headers):
    made = client.post(
        "/api/sims",
        json={
            "iccid": "8944000000000000777",
            "network_operator": "EE",
            "dongle_id": world.router.id,
            "holder_id": world.router.holder_id,
            "contract_starts_on": TODAY.isoformat(),
        },
        headers=headers,
    )
    assert made.status_code == 201, made.text
    routers = client.get("/api/reports/unfiltered?reason=sim-replaced", headers=headers).json()
    assert [item["dongle_id"] for item in routers["items"]] == [world.router.id]
    url = f"/api/dongles/{world.router.id}/filtering-review"
    confirmed = client.post(url, json={"note": "EE content lock on"}, headers=headers)
    assert confirmed.status_code == 200
    assert confirmed.json()[0]["reviewed_by"].startswith("Test User")
    assert client.post(url, json={}, headers=headers).status_code == 409
    history = client.get(f"/api/dongles/{world.router.id}/filtering-reviews", headers=headers)
    assert history.json()[0]["review_note"] == "EE content lock on"
    routers = client.get("/api/reports/unfiltered?reason=sim-replaced", headers=headers).json()
    assert routers["total"] == 0


def test_officers_set_their_councils_lead_and_school_staff_cannot(
    session, client, council, school, headers
):
    answer = client.put(
        "/api/safeguarding",
        json={"lead_name": "Sam Lead", "lead_email": "sam.lead@council.example"},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["lead_email"] == "sam.lead@council.example"
    assert client.get("/api/safeguarding", headers=headers).json()["lead_name"] == "Sam Lead"
    bad = client.put("/api/safeguarding", json={"lead_email": "not an email"}, headers=headers)
    assert bad.status_code == 422
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    refused = client.put(
        "/api/safeguarding", json={"lead_email": "x@y.example"}, headers=bearer(session, staff)
    )
    assert refused.status_code == 403
    assert safeguarding.lead_of(session, council.id).email == "sam.lead@council.example"


def test_a_device_no_longer_enrolled_in_a_filtering_manager_is_unfiltered(session, world, officer):
    record = session.exec(
        select(DeviceManagement).where(DeviceManagement.device_id == world.managed.id)
    ).one()
    record.state = EnrolmentState.DEPROVISIONED
    session.add(record)
    session.commit()
    assert "FILTER-INTUNE" in listed(session, caller_of(session, officer))
