# ruff: noqa: F811 (the fixtures are imported from incident_setup)
"""Incidents through the API: a photo stored like ticket media and served only to the right
organisation, a loaner swapped in and back with the register right at each step, theft with
its crime reference and the lead told, a charge only by a council and its waiver, and clear
4xx answers to bad input."""

from sqlmodel import Session, select

from devices.models import Allocation, DeviceEvent
from notifications.models import OutboxMessage
from tests.devices.incident_setup import (  # noqa: F401 (fixtures)
    LEAD,
    council,
    family,
    laptop,
    loaner,
    media_store,
    officer,
    other_staff,
    record,
    school,
    staff,
)
from tests.support.media_helpers import EXE, png


def test_a_photo_uploaded_by_api_is_stored_and_served_only_to_the_right_organisation(
    client, staff, other_staff, officer, laptop, media_store
):
    incident = record(client, staff, laptop).json()
    photo = png()
    added = client.post(
        f"/api/incidents/{incident['id']}/files",
        headers=staff,
        files={"file": ("crack.png", photo, "image/png")},
    )
    assert added.status_code == 201, added.text
    assert added.json()["content_type"] == "image/png" and added.json()["thumbnail"]
    address = f"/api/incidents/{incident['id']}/files/{added.json()['id']}"
    served = client.get(address, headers=staff)
    assert served.status_code == 200
    assert served.content == photo and served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "private, no-store"
    assert client.get(address, headers=officer).status_code == 200  # the school's council
    assert client.get(address, headers=other_staff).status_code == 404
    assert client.get(f"/api/incidents/{incident['id']}", headers=other_staff).status_code == 404
    assert any(media_store.rglob("*"))  # in the media store, as ticket media are
    shown = client.get(f"/api/incidents/{incident['id']}", headers=staff).json()
    assert [item["id"] for item in shown["files"]] == [added.json()["id"]]


def test_a_file_that_is_not_a_photo_or_pdf_is_refused_saying_what_we_accept(client, staff, laptop):
    incident = record(client, staff, laptop).json()
    refused = client.post(
        f"/api/incidents/{incident['id']}/files",
        headers=staff,
        files={"file": ("photo.jpg", EXE, "image/jpeg")},
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "file"
    assert "not a photo or PDF" in refused.json()["detail"]
    assert client.get(f"/api/incidents/{incident['id']}", headers=staff).json()["files"] == []


def test_a_loaner_is_with_the_family_while_their_laptop_is_repaired_then_swapped_back(
    client, session: Session, staff, laptop, loaner, family
):
    def with_family() -> int:
        session.expire_all()
        return session.exec(
            select(Allocation.device_id).where(
                Allocation.family_id == family.id, Allocation.returned_on.is_(None)
            )
        ).one()

    def status(device) -> str:
        return client.get(f"/api/devices/{device.id}", headers=staff).json()["status"]

    incident = record(client, staff, laptop).json()
    assert with_family() == laptop.id
    issued = client.post(
        f"/api/incidents/{incident['id']}/loaner",
        headers=staff,
        json={"loaner_device_id": loaner.id, "on": "2026-03-03"},
    )
    assert issued.status_code == 200, issued.text
    assert with_family() == loaner.id
    assert (status(laptop), status(loaner)) == ("in-repair", "with-family")
    early = client.post(
        f"/api/incidents/{incident['id']}/close", headers=staff, json={"on": "2026-03-04"}
    )
    assert early.status_code == 409 and "swap it back" in early.json()["detail"]
    back = client.post(
        f"/api/incidents/{incident['id']}/swap-back", headers=staff, json={"on": "2026-03-10"}
    )
    assert back.status_code == 200, back.text
    assert back.json()["loaner_returned_on"] == "2026-03-10"
    assert with_family() == laptop.id
    assert (status(laptop), status(loaner)) == ("with-family", "in-stock")
    actions = session.exec(select(DeviceEvent.action).where(DeviceEvent.device_id == laptop.id))
    assert {"incident-recorded", "swapped-out", "swapped-back"} <= set(actions)
    closed = client.post(
        f"/api/incidents/{incident['id']}/close", headers=staff, json={"on": "2026-03-11"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "closed"


def test_a_stolen_laptop_is_reported_missing_with_its_crime_reference_and_the_lead_told(
    client, session: Session, staff, laptop, family
):
    stolen = record(
        client, staff, laptop, kind="theft", crime_reference="CR/123/26", description="Bag taken"
    )
    assert stolen.status_code == 201, stolen.text
    assert stolen.json()["crime_reference"] == "CR/123/26"
    assert stolen.json()["family_id"] == family.id
    assert client.get(f"/api/devices/{laptop.id}", headers=staff).json()["status"] == "stolen"
    emails = session.exec(select(OutboxMessage).where(OutboxMessage.recipient == LEAD)).all()
    assert len(emails) == 1 and "CR/123/26" in emails[0].body
    disabled = client.post(
        f"/api/incidents/{stolen.json()['id']}/disabled-in-manager",
        headers=staff,
        json={"on": "2026-03-02"},
    )
    assert disabled.status_code == 200
    assert disabled.json()["disabled_in_manager_on"] == "2026-03-02"
    assert "user" in disabled.json()["disabled_by"]
    again = client.post(
        f"/api/incidents/{stolen.json()['id']}/disabled-in-manager",
        headers=staff,
        json={"on": "2026-03-02"},
    )
    assert again.status_code == 409
    loan = client.post(
        f"/api/incidents/{stolen.json()['id']}/loaner",
        headers=staff,
        json={"loaner_device_id": laptop.id, "on": "2026-03-03"},
    )
    assert loan.status_code == 409 and "allocate the family another" in loan.json()["detail"]


def test_only_a_council_charges_a_family_and_its_waiver_names_who_waived_it(
    client, staff, officer, laptop
):
    incident = record(client, staff, laptop).json()
    assert incident["charge_pence"] is None  # no charge by default
    charge = {"amount_pence": 5000, "reason": "Third screen this year", "on": "2026-03-05"}
    by_school = client.post(f"/api/incidents/{incident['id']}/charge", headers=staff, json=charge)
    assert by_school.status_code == 403 and "council officer" in by_school.json()["detail"]
    nothing = client.post(
        f"/api/incidents/{incident['id']}/charge/waiver",
        headers=officer,
        json={"reason": "Hardship", "on": "2026-03-06"},
    )
    assert nothing.status_code == 409
    charged = client.post(f"/api/incidents/{incident['id']}/charge", headers=officer, json=charge)
    assert charged.status_code == 200, charged.text
    assert charged.json()["charge_pence"] == 5000 and charged.json()["charged_by"]
    by_staff = client.post(
        f"/api/incidents/{incident['id']}/charge/waiver",
        headers=staff,
        json={"reason": "Hardship", "on": "2026-03-06"},
    )
    assert by_staff.status_code == 403
    waived = client.post(
        f"/api/incidents/{incident['id']}/charge/waiver",
        headers=officer,
        json={"reason": "Hardship", "on": "2026-03-06"},
    )
    assert waived.status_code == 200
    assert waived.json()["waived_on"] == "2026-03-06"
    assert waived.json()["waived_by"] == charged.json()["charged_by"]
    assert waived.json()["waiver_reason"] == "Hardship"


def test_bad_input_gets_a_clear_4xx_and_saves_nothing(client, staff, laptop):
    future = record(client, staff, laptop, happened_on="2099-01-01")
    assert future.status_code == 422 and future.json()["field"] == "happened_on"
    unknown = record(client, staff, laptop, kind="flood")
    assert unknown.status_code == 422
    blank = record(client, staff, laptop, description="")
    assert blank.status_code == 422
    repair_a_loss = record(client, staff, laptop, kind="loss", send_to_repair=True)
    assert repair_a_loss.status_code == 422 and repair_a_loss.json()["field"] == "send_to_repair"
    assert client.get("/api/incidents", headers=staff).json()["total"] == 0
    assert client.get(f"/api/devices/{laptop.id}", headers=staff).json()["status"] == (
        "with-family"
    )
    first = record(client, staff, laptop)
    assert first.status_code == 201
    second = record(client, staff, laptop)
    assert second.status_code == 409 and "open incident" in second.json()["detail"]
    claim = client.patch(
        f"/api/incidents/{first.json()['id']}", headers=staff, json={"warranty_status": "claimed"}
    )
    assert claim.status_code == 422 and claim.json()["field"] == "warranty_supplier"
    assert client.get("/api/incidents/999999", headers=staff).status_code == 404


def test_a_warranty_claim_is_dated_and_the_list_filters_sorts_and_exports(
    client, staff, laptop, loaner
):
    incident = record(client, staff, laptop).json()
    record(client, staff, loaner, kind="loss", description="Left on a bus")
    claimed = client.patch(
        f"/api/incidents/{incident['id']}",
        headers=staff,
        json={
            "warranty_status": "claimed",
            "warranty_supplier": "Dell",
            "warranty_reference": "RMA-77",
            "responsible_party": "supplier",
        },
    )
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["warranty_claimed_on"] is not None
    damage = client.get("/api/incidents?kind=damage", headers=staff).json()
    assert [row["id"] for row in damage["items"]] == [incident["id"]]
    claims = client.get("/api/incidents?warranty_status=claimed", headers=staff).json()
    assert claims["total"] == 1
    ordered = client.get("/api/incidents?sort=kind", headers=staff).json()["items"]
    assert [row["kind"] for row in ordered] == ["damage", "loss"]
    assert client.get("/api/incidents?sort=nonsense", headers=staff).status_code == 422
    exported = client.get("/api/incidents?format=csv", headers=staff)
    assert exported.status_code == 200
    lines = exported.text.strip().splitlines()
    assert lines[0].lstrip("\ufeff").startswith("id,device_id") and len(lines) == 3
    assert "Left on a bus" not in exported.text  # what happened stays out of the export
