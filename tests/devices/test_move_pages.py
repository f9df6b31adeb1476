"""Moves in the browser: a school moves a family from its page; another council accepts an
offer from its list; a council officer records a successor and moves the register."""

from sqlmodel import select

from accounts.models import Role
from accounts.school_links import SchoolLink
from devices.service.conversions import run_conversion
from tests.devices.move_setup import give_family_everything, make_schools
from tests.factories import make_user, sign_in_pages


def test_a_school_moves_a_family_from_its_page_and_then_cannot_open_it(client, session):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    staff = make_user(session, organisation=schools.old, role=Role.SCHOOL_STAFF)
    csrf = sign_in_pages(client, session, staff)

    family_page = client.get(f"/families/{held.family.id}")
    assert f'href="/families/{held.family.id}/move"' in family_page.text
    form = client.get(f"/families/{held.family.id}/move")
    assert form.status_code == 200 and "New school&#39;s URN" in form.text

    wrong = client.post(
        f"/families/{held.family.id}/move", data={"csrf_token": csrf, "to_school_urn": "12"}
    )
    assert wrong.status_code == 400 and "6 or 7 digits" in wrong.text
    moved = client.post(
        f"/families/{held.family.id}/move",
        data={"csrf_token": csrf, "to_school_urn": schools.new.urn},
    )

    assert moved.status_code == 200 and "Moved" in moved.text
    assert f"are at {schools.new.name} now" in moved.text
    assert "1 devices" in moved.text and "1 tickets" in moved.text
    assert held.family.pupil_reference not in moved.text
    for path in (f"/families/{held.family.id}", f"/devices/{held.device.id}"):
        assert client.get(path).status_code == 404, path
    listed = client.get("/moves")
    assert "A family that left" in listed.text and schools.new.urn in listed.text

    client.cookies.clear()
    sign_in_pages(
        client, session, make_user(session, organisation=schools.new, role=Role.SCHOOL_STAFF)
    )
    assert held.family.pupil_reference in client.get(f"/families/{held.family.id}").text
    device_page = client.get(f"/devices/{held.device.id}")
    assert device_page.status_code == 200 and held.dongle.imei in device_page.text


def test_the_receiving_council_accepts_an_offer_on_its_page(client, session):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    staff = make_user(session, organisation=schools.old, role=Role.SCHOOL_STAFF)
    csrf = sign_in_pages(client, session, staff)
    offered = client.post(
        f"/families/{held.family.id}/move",
        data={"csrf_token": csrf, "to_school_urn": schools.far.urn},
    )
    assert "Nothing moves until it does" in offered.text
    assert client.get(f"/families/{held.family.id}").status_code == 200

    client.cookies.clear()
    officer = make_user(session, organisation=schools.other_council, role=Role.COUNCIL_OFFICER)
    csrf = sign_in_pages(client, session, officer)
    waiting = client.get("/moves")
    assert "1 family waits for your council" in waiting.text
    move_id = offered.url.path.rsplit("/", 1)[-1]
    page = client.get(f"/moves/{move_id}")
    assert "Accept the family" in page.text and "Decline" in page.text
    accepted = client.post(f"/moves/{move_id}/accept", data={"csrf_token": csrf})

    assert accepted.status_code == 200 and f"are at {schools.far.name} now" in accepted.text
    # the pupil is a link to the family's page, not its markup shown as text
    assert f'<a class="govuk-link" href="/families/{held.family.id}">' in accepted.text
    assert "&lt;a class" not in accepted.text
    assert client.get(f"/families/{held.family.id}").status_code == 200


def test_an_officer_records_a_successor_and_moves_the_register(client, session, monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr("devices.tasks_moves.run_conversion_task.delay", sent.append)
    schools = make_schools(session)
    give_family_everything(session, schools.old)
    officer = make_user(session, organisation=schools.council, role=Role.COUNCIL_OFFICER)
    csrf = sign_in_pages(client, session, officer)

    assert "Academy conversions and closures" in client.get("/families").text
    missing = client.post(
        "/school-links",
        data={"csrf_token": csrf, "predecessor_id": str(schools.old.id), "kind": "closure"},
    )
    assert missing.status_code == 400 and "successor" in missing.text
    linked = client.post(
        "/school-links",
        data={
            "csrf_token": csrf,
            "predecessor_id": str(schools.old.id),
            "kind": "academy-conversion",
            "successor_urn": schools.new.urn,
            "linked_on": "2026-09-01",
        },
    )
    assert linked.status_code == 200 and f"URN {schools.old.urn}" in linked.text
    link_id = session.exec(select(SchoolLink.id)).one()
    queued = client.post(f"/school-links/{link_id}/convert", data={"csrf_token": csrf})
    assert (
        queued.status_code == 200 and "Queued" in queued.text and "data-app-refresh" in queued.text
    )

    run_conversion(session, job_id=sent[0])

    done = client.get(queued.url.path)
    assert "Done" in done.text and "1 families" in done.text and "data-app-refresh" not in done.text
