"""A school that converts to an academy (or closes) passes everything it holds to its
successor in one audited job: the figures per council stay equal, the old URN stays."""

from datetime import UTC, datetime

import pytest
from sqlmodel import Session

from accounts.models import Role
from devices.service.conversions import run_conversion
from reporting.dashboard.summaries import refresh_summaries
from tests.devices.factories import make_device, make_family
from tests.devices.move_setup import give_family_everything, make_schools
from tests.factories import bearer, make_school, make_user

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def queued(monkeypatch):
    """The conversion jobs sent to the worker (their ids); the test runs them itself."""
    sent: list[int] = []
    monkeypatch.setattr("devices.tasks_moves.run_conversion_task.delay", sent.append)
    return sent


def _figures(client, headers, council_id: int) -> tuple:
    dashboard = client.get(f"/api/dashboard?council={council_id}", headers=headers).json()
    stock = client.get("/api/reports/stock?per_page=500", headers=headers).json()["items"]
    devices = sum(int(row.get("devices", 0) or 0) for row in stock)
    statuses = sorted((s["status"], s["devices"]) for s in dashboard["devices_by_status"])
    return dashboard["headlines"], statuses, devices


def _link(client, headers, predecessor, successor, kind="academy-conversion"):
    return client.post(
        f"/api/schools/{predecessor.id}/links",
        json={"successor_urn": successor.urn, "kind": kind, "linked_on": "2026-09-01"},
        headers=headers,
    )


def test_an_academy_conversion_moves_the_whole_register_and_the_figures_stay_equal(
    client, session: Session, queued
):
    schools = make_schools(session)
    council = schools.council
    academy = make_school(session, council=council)
    held = [give_family_everything(session, schools.old) for _ in range(3)]
    spare = make_device(session, holder=schools.old)
    leaving = give_family_everything(session, schools.old)
    officer = schools.officer(session, council)
    old_staff, academy_staff = (
        schools.staff(session, schools.old),
        schools.staff(session, academy),
    )
    before = _figures(client, officer, council.id)
    assert before[2] == 5 and before[1]
    old_urn = schools.old.urn

    offer = client.post(
        f"/api/families/{leaving.family.id}/moves",
        json={"to_school_urn": schools.far.urn},
        headers=old_staff,
    ).json()
    link = _link(client, officer, schools.old, academy)
    assert link.status_code == 201, link.text
    job = client.post(f"/api/school-links/{link.json()['id']}/conversion", headers=officer)
    assert job.status_code == 202, job.text
    assert job.json()["status"] == "queued" and queued == [job.json()["id"]]

    run_conversion(session, job_id=job.json()["id"])

    done = client.get(f"/api/school-conversions/{job.json()['id']}", headers=officer).json()
    assert done["status"] == "done" and done["steps_done"] == done["steps_total"]
    assert done["moved"]["devices"] == 5 and done["moved"]["families"] == 4
    assert done["moved"]["tickets"] == 4 and done["moved"]["offers_out"] == 1
    assert _figures(client, officer, council.id) == before
    assert client.get("/api/families", headers=old_staff).json()["total"] == 0
    assert client.get("/api/devices", headers=old_staff).json()["total"] == 0
    assert client.get("/api/families", headers=academy_staff).json()["total"] == 4
    assert client.get("/api/devices", headers=academy_staff).json()["total"] == 5
    for one in held:
        assert client.get(f"/api/tickets/{one.ticket.id}", headers=academy_staff).status_code == 200
        assert (
            client.get(f"/api/licences/{one.licence.id}", headers=academy_staff).status_code == 200
        )
    events = client.get(f"/api/devices/{spare.id}/events", headers=academy_staff).json()
    converted = [e for e in events if e["action"] == "converted"]
    assert converted[0]["after"]["from_urn"] == old_urn
    assert converted[0]["before"]["holder_id"] == schools.old.id
    far_officer = schools.officer(session, schools.other_council)
    accepted = client.post(f"/api/moves/{offer['id']}/accept", headers=far_officer).json()
    assert accepted["from_urn"] == academy.urn and accepted["moved"]["licences"] == 1
    links = client.get("/api/school-links", headers=academy_staff).json()["items"]
    assert [(one["predecessor_urn"], one["successor_urn"]) for one in links] == [
        (old_urn, academy.urn)
    ]


def test_the_stored_dashboard_figures_per_council_are_equal_after_a_conversion(
    client, session: Session, queued
):
    schools = make_schools(session)
    council, academy = schools.council, make_school(session, council=schools.council)
    for _ in range(2):
        give_family_everything(session, schools.old)
    officer = schools.officer(session, council)
    refresh_summaries(session, today=NOW.date(), now=NOW)
    session.commit()
    before = _figures(client, officer, council.id)
    assert before[2] == 2 and before[0]["devices_in_service"] == 2

    link = _link(client, officer, schools.old, academy).json()
    job = client.post(f"/api/school-links/{link['id']}/conversion", headers=officer).json()
    run_conversion(session, job_id=job["id"])
    refresh_summaries(session, council_id=council.id, today=NOW.date(), now=NOW)
    session.commit()

    assert _figures(client, officer, council.id) == before


def test_a_conversion_into_a_school_with_the_same_pupil_references_is_refused_and_moves_nothing(
    client, session, queued
):
    schools = make_schools(session)
    mine = make_family(session, school=schools.old)
    theirs = make_family(session, school=schools.new)
    theirs.pupil_reference = mine.pupil_reference
    session.add(theirs)
    session.commit()
    officer = schools.officer(session, schools.council)
    link = _link(client, officer, schools.old, schools.new, kind="merger").json()

    refused = client.post(f"/api/school-links/{link['id']}/conversion", headers=officer)

    assert refused.status_code == 409 and mine.pupil_reference in refused.json()["detail"]
    assert queued == []
    old_staff = schools.staff(session, schools.old)
    assert client.get("/api/families", headers=old_staff).json()["total"] == 1


def test_only_the_predecessors_council_links_and_converts_and_only_once(client, session, queued):
    schools = make_schools(session)
    staff = schools.staff(session, schools.old)
    assert _link(client, staff, schools.old, schools.new).status_code == 403
    stranger = schools.officer(session, schools.other_council)
    assert _link(client, stranger, schools.old, schools.new).status_code == 404
    officer = schools.officer(session, schools.council)
    link = _link(client, officer, schools.old, schools.new).json()
    assert _link(client, officer, schools.old, schools.far).status_code == 409
    assert (
        client.post(f"/api/school-links/{link['id']}/conversion", headers=stranger).status_code
        == 404
    )
    first = client.post(f"/api/school-links/{link['id']}/conversion", headers=officer)
    again = client.post(f"/api/school-links/{link['id']}/conversion", headers=officer)
    assert first.status_code == 202 and again.status_code == 409


def test_school_links_and_conversions_list_as_csv(client, session, queued):
    schools = make_schools(session)
    officer = schools.officer(session, schools.council)
    link = _link(client, officer, schools.old, schools.new, kind="closure").json()
    client.post(f"/api/school-links/{link['id']}/conversion", headers=officer)
    links_csv = client.get("/api/school-links?format=csv&kind=closure", headers=officer).text
    assert schools.old.urn in links_csv and "closure" in links_csv
    jobs = client.get("/api/school-conversions?status=queued", headers=officer).json()
    assert jobs["total"] == 1
    admin = bearer(session, make_user(session, organisation=schools.far, role=Role.SCHOOL_STAFF))
    assert client.get("/api/school-conversions", headers=admin).json()["total"] == 0


def test_the_worker_runs_the_job_and_asks_for_both_councils_figures(client, session, monkeypatch):
    from devices import tasks_moves
    from reporting.dashboard.tasks import compute_after_conversion

    asked: list[tuple] = []
    monkeypatch.setattr(
        tasks_moves.celery_app, "send_task", lambda name, args: asked.append((name, args))
    )
    monkeypatch.setattr(tasks_moves.run_conversion_task, "delay", lambda _job_id: None)
    schools = make_schools(session)
    give_family_everything(session, schools.old)
    officer = schools.officer(session, schools.council)
    far = make_school(session, council=schools.other_council)
    link = _link(client, officer, schools.old, far).json()
    job = client.post(f"/api/school-links/{link['id']}/conversion", headers=officer).json()

    tasks_moves.run_conversion_task(job["id"])

    done = client.get(f"/api/school-conversions/{job['id']}", headers=officer).json()
    assert done["status"] == "done" and done["moved"]["devices"] == 1
    councils = sorted([schools.council.id, schools.other_council.id])
    assert asked == [("reporting.dashboard.after_conversion", (councils,))]
    assert compute_after_conversion(councils) >= 2
