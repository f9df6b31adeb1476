"""A family moving school: within a council, one action moves it with everything it was
given; to another council, an offer the receiving council accepts or declines."""

from sqlmodel import Session, select

from devices.models import DeviceEvent, FamilyMove
from dfc.audit.models import AccessAudit
from tests.devices.move_setup import give_family_everything, make_schools


def test_a_family_moved_within_the_council_is_gone_from_the_old_school_and_whole_at_the_new(
    client, session: Session
):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    old, new = schools.staff(session, schools.old), schools.staff(session, schools.new)

    moved = client.post(
        f"/api/families/{held.family.id}/moves",
        json={"to_school_urn": schools.new.urn, "new_pupil_reference": "NEW-7"},
        headers=old,
    )

    assert moved.status_code == 201, moved.text
    answer = moved.json()
    assert answer["status"] == "completed" and answer["kind"] == "within-council"
    assert answer["moved"]["devices"] == 1 and answer["moved"]["tickets"] == 1
    for path in (
        f"/api/families/{held.family.id}",
        f"/api/devices/{held.device.id}",
        f"/api/licences/{held.licence.id}",
        f"/api/tickets/{held.ticket.id}",
    ):
        assert client.get(path, headers=old).status_code == 404, path
        assert client.get(path, headers=new).status_code == 200, path
    assert (
        client.get(f"/api/families/{held.family.id}", headers=new).json()["pupil_reference"]
        == "NEW-7"
    )
    dongles = client.get("/api/dongles", headers=new).json()
    assert [d["id"] for d in dongles["items"]] == [held.dongle.id]
    assert client.get("/api/dongles", headers=old).json()["total"] == 0
    assert client.get("/api/sims", headers=new).json()["items"][0]["id"] == held.sim.id
    allocations = client.get("/api/allocations?open_only=true", headers=new).json()
    assert [a["family_id"] for a in allocations["items"]] == [held.family.id]


def test_the_old_school_sees_that_a_family_left_but_not_which_family(client, session):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    old = schools.staff(session, schools.old)
    move = client.post(
        f"/api/families/{held.family.id}/moves",
        json={"to_school_urn": schools.new.urn},
        headers=old,
    ).json()

    listed = client.get("/api/moves", headers=old).json()["items"]
    assert [(m["id"], m["family_id"], m["pupil_reference"]) for m in listed] == [
        (move["id"], None, None)
    ]
    assert listed[0]["to_urn"] == schools.new.urn
    exported = client.get("/api/moves?format=csv", headers=old).text
    assert held.family.pupil_reference not in exported and schools.new.urn in exported


def test_a_move_is_in_each_devices_history_and_the_family_read_is_audited(client, session):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    old, new = schools.staff(session, schools.old), schools.staff(session, schools.new)
    client.post(
        f"/api/families/{held.family.id}/moves",
        json={"to_school_urn": schools.new.urn},
        headers=old,
    )

    events = client.get(f"/api/devices/{held.device.id}/events", headers=new).json()
    moved = [e for e in events if e["action"] == "moved"]
    assert len(moved) == 1
    assert moved[0]["before"]["holder_id"] == schools.old.id
    assert moved[0]["after"]["holder_id"] == schools.new.id
    stored = session.exec(select(FamilyMove)).one()
    assert "(user " in stored.offered_by and stored.decided_at is not None
    assert session.exec(select(DeviceEvent).where(DeviceEvent.action == "moved")).one()
    assert session.exec(select(AccessAudit).where(AccessAudit.family_id == held.family.id)).first()


def test_a_move_to_another_council_waits_for_its_acceptance_then_moves(client, session):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    old = schools.staff(session, schools.old)
    far_officer = schools.officer(session, schools.other_council)
    far_staff = schools.staff(session, schools.far)

    offer = client.post(
        f"/api/families/{held.family.id}/moves",
        json={"to_school_urn": schools.far.urn},
        headers=old,
    )
    assert offer.status_code == 201, offer.text
    assert offer.json()["status"] == "offered" and offer.json()["kind"] == "between-councils"
    assert client.get(f"/api/families/{held.family.id}", headers=old).status_code == 200
    assert client.get(f"/api/devices/{held.device.id}", headers=far_staff).status_code == 404
    waiting = client.get("/api/moves?direction=in&status=offered", headers=far_officer).json()
    assert [m["id"] for m in waiting["items"]] == [offer.json()["id"]]

    accepted = client.post(f"/api/moves/{offer.json()['id']}/accept", headers=far_officer)

    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "completed"
    assert client.get(f"/api/families/{held.family.id}", headers=old).status_code == 404
    assert client.get(f"/api/families/{held.family.id}", headers=far_staff).status_code == 200
    assert client.get(f"/api/devices/{held.device.id}", headers=far_staff).status_code == 200
    assert client.get(f"/api/tickets/{held.ticket.id}", headers=far_staff).status_code == 200


def test_a_declined_move_moves_nothing(client, session):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    old = schools.staff(session, schools.old)
    far_officer = schools.officer(session, schools.other_council)
    offer = client.post(
        f"/api/families/{held.family.id}/moves",
        json={"to_school_urn": schools.far.urn},
        headers=old,
    ).json()

    declined = client.post(
        f"/api/moves/{offer['id']}/decline", json={"reason": "No place"}, headers=far_officer
    )

    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    for path in (f"/api/families/{held.family.id}", f"/api/devices/{held.device.id}"):
        assert client.get(path, headers=old).status_code == 200
    again = client.post(f"/api/moves/{offer['id']}/accept", headers=far_officer)
    assert again.status_code == 409 and "declined" in again.json()["detail"]


def test_only_the_receiving_council_may_accept_and_the_sender_may_cancel(client, session):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    old = schools.staff(session, schools.old)
    offer = client.post(
        f"/api/families/{held.family.id}/moves",
        json={"to_school_urn": schools.far.urn},
        headers=old,
    ).json()
    own_officer = schools.officer(session, schools.council)

    refused = client.post(f"/api/moves/{offer['id']}/accept", headers=own_officer)
    assert refused.status_code == 403 and "receiving council" in refused.json()["detail"]
    assert client.post(f"/api/moves/{offer['id']}/accept", headers=old).status_code == 403
    cancelled = client.post(f"/api/moves/{offer['id']}/cancel", headers=old)
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


def test_a_move_names_what_to_fix(client, session):
    schools = make_schools(session)
    held = give_family_everything(session, schools.old)
    other = give_family_everything(session, schools.new)
    old = schools.staff(session, schools.old)
    url = f"/api/families/{held.family.id}/moves"

    unknown = client.post(url, json={"to_school_urn": "999999"}, headers=old)
    assert unknown.status_code == 422 and unknown.json()["field"] == "to_school_urn"
    same = client.post(url, json={"to_school_urn": schools.old.urn}, headers=old)
    assert same.status_code == 422 and "already at" in same.json()["detail"]
    clash = client.post(
        url,
        json={
            "to_school_urn": schools.new.urn,
            "new_pupil_reference": other.family.pupil_reference,
        },
        headers=old,
    )
    assert clash.status_code == 409 and other.family.pupil_reference in clash.json()["detail"]
    assert client.get(f"/api/devices/{held.device.id}", headers=old).status_code == 200
    strangers = schools.staff(session, schools.far)
    assert (
        client.post(url, json={"to_school_urn": schools.far.urn}, headers=strangers).status_code
        == 404
    )


def test_the_moves_list_filters_sorts_and_pages(client, session):
    schools = make_schools(session)
    officer = schools.officer(session, schools.council)
    for _ in range(3):
        held = give_family_everything(session, schools.old)
        client.post(
            f"/api/families/{held.family.id}/moves",
            json={"to_school_urn": schools.far.urn},
            headers=officer,
        )
    held = give_family_everything(session, schools.old)
    client.post(
        f"/api/families/{held.family.id}/moves",
        json={"to_school_urn": schools.new.urn},
        headers=officer,
    )

    page = client.get("/api/moves?status=offered&per_page=2&sort=id", headers=officer).json()
    assert page["total"] == 3 and len(page["items"]) == 2 and page["pages"] == 2
    assert page["items"][0]["id"] < page["items"][1]["id"]
    within = client.get("/api/moves?kind=within-council", headers=officer).json()
    assert within["total"] == 1 and within["items"][0]["family_id"] == held.family.id
    bad = client.get("/api/moves?sort=colour", headers=officer)
    assert bad.status_code == 422 and bad.json()["field"] == "sort"
