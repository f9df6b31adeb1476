"""API keys tied to an information sharing agreement: they read only the kinds of data the
agreement covers, and get 403 naming the agreement outside its dates. Keys without an
agreement, and staff, see what they always saw."""

import csv
import io
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import ApiKey
from dfc import clock
from dfc.clock import today
from privacy.agreements_models import SharingAgreement
from tests.devices.factories import make_allocation, make_device, make_family
from tests.factories import bearer, make_school, sign_in_pages
from tests.privacy.agreement_helpers import World, build_world, record

PHONE = "+447911123456"


@pytest.fixture
def world(session: Session) -> World:
    world = build_world(session)
    family = make_family(session, school=world.school)
    family.phone_number = PHONE  # the number each test looks for (or must not find)
    session.add(family)
    session.commit()
    device = make_device(session, holder=world.school)
    make_allocation(session, device=device, family=family)
    world.family = family
    world.device = device
    return world


def key_for(client, session: Session, world: World, agreement: SharingAgreement | None, **extra):
    made = client.post(
        "/api/api-keys",
        json={
            "name": "Laptop Repairs Ltd",
            "organisation_id": world.council.id,
            "agreement_id": agreement.id if agreement else None,
        }
        | extra,
        headers=bearer(session, world.officer),
    )
    assert made.status_code == 201, made.text
    return {"X-API-Key": made.json()["key"]}


def family_routes(world: World) -> list[tuple[str, str, dict | None]]:
    """Every API route that returns a family's personal data, with a body where it needs one."""
    allocation = {
        "device_id": world.spare_device.id,
        "family_id": world.family.id,
        "allocated_on": today().isoformat(),
    }
    return [
        ("GET", "/api/families", None),
        ("GET", "/api/families?format=csv", None),
        ("GET", f"/api/families/{world.family.id}", None),
        ("PATCH", f"/api/families/{world.family.id}", {"year_group": 8}),
        ("POST", "/api/families", {"school_id": world.school.id, "pupil_reference": "NEW-1"}),
        ("GET", "/api/allocations", None),
        ("GET", "/api/allocations?format=csv", None),
        ("POST", "/api/allocations", allocation),
    ]


def call(client, method: str, url: str, body: dict | None, headers: dict):
    return client.request(method, url, json=body, headers=headers)


def test_a_key_without_contact_reads_families_without_phone_numbers(client, session, world):
    agreement = record(session, world.officer, categories=["pupil", "preference"])
    headers = key_for(client, session, world, agreement)
    listed = client.get("/api/families", headers=headers)
    assert listed.status_code == 200, listed.text
    [row] = listed.json()["items"]
    assert row["pupil_reference"] == world.family.pupil_reference
    assert (row["phone_number"], row["email"]) == (None, None)
    one = client.get(f"/api/families/{world.family.id}", headers=headers).json()
    assert one["phone_number"] is None and one["year_group"] == 7
    assert PHONE not in listed.text + str(one)


def test_a_key_with_contact_but_not_pupil_reads_phone_numbers_without_pupil_details(
    client, session, world
):
    agreement = record(session, world.officer, categories=["contact"])
    headers = key_for(client, session, world, agreement)
    one = client.get(f"/api/families/{world.family.id}", headers=headers).json()
    assert one["phone_number"] == PHONE
    assert (one["pupil_reference"], one["year_group"], one["sms_consent"]) == (None, None, None)
    exported = client.get("/api/families?format=csv", headers=headers)
    header = next(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert header == ["id", "school_id"]
    assert world.family.pupil_reference not in exported.text
    # Sorting or filtering by what the agreement hides would reveal it, so it is refused.
    assert client.get("/api/families?sort=pupil_reference", headers=headers).status_code == 403
    assert client.get("/api/families?home_broadband=false", headers=headers).status_code == 403


def test_a_key_whose_agreement_covers_none_of_a_routes_data_gets_403(client, session, world):
    agreement = record(session, world.officer, categories=["free-text"])
    headers = key_for(client, session, world, agreement)
    families = client.get("/api/families", headers=headers)
    assert families.status_code == 403
    assert "covers free-text" in families.json()["detail"]
    assert client.get("/api/allocations", headers=headers).status_code == 403
    # Reports that hold no personal data still answer.
    assert client.get("/api/schools", headers=headers).status_code == 200


def test_a_key_with_pupil_data_reads_allocations_with_their_family(client, session, world):
    agreement = record(session, world.officer, categories=["pupil"])
    headers = key_for(client, session, world, agreement)
    [row] = client.get("/api/allocations", headers=headers).json()["items"]
    assert row["family_id"] == world.family.id
    contact_only = key_for(
        client,
        session,
        world,
        record(session, world.officer, reference="C", categories=["contact"]),
    )
    assert client.get("/api/allocations", headers=contact_only).status_code == 403


def test_a_key_without_an_agreement_and_staff_read_as_before(client, session, world):
    for headers in (key_for(client, session, world, None), bearer(session, world.officer)):
        one = client.get(f"/api/families/{world.family.id}", headers=headers).json()
        assert (one["phone_number"], one["pupil_reference"]) == (
            PHONE,
            world.family.pupil_reference,
        )
        [row] = client.get("/api/allocations", headers=headers).json()["items"]
        assert row["family_id"] == world.family.id


@pytest.mark.parametrize("when", ["ended", "not-started", "ended-early"])
def test_a_key_outside_its_agreements_dates_gets_403_on_every_family_route(
    client, session, world, monkeypatch, when
):
    world.spare_device = make_device(session, holder=world.school)
    everything = ["contact", "pupil", "preference", "free-text"]
    if when == "not-started":
        starts = today() + timedelta(days=3)
        agreement = record(
            session,
            world.officer,
            categories=everything,
            starts_on=starts,
            ends_on=starts + timedelta(days=90),
        )
        headers = key_for(client, session, world, agreement)
        expected = f"which starts on {starts.isoformat()}"
    else:
        agreement = record(session, world.officer, categories=everything)
        headers = key_for(client, session, world, agreement)
        assert client.get("/api/families", headers=headers).status_code == 200
        if when == "ended":
            after = agreement.ends_on + timedelta(days=1)
            monkeypatch.setattr(clock, "today", lambda: after)
            expected = f"which ended on {agreement.ends_on.isoformat()}"
        else:
            client.post(
                f"/api/privacy/agreements/{agreement.id}/end",
                json={"on": today().isoformat(), "reason": "Contract ended"},
                headers=bearer(session, world.officer),
            )
            expected = f"which was ended early on {today().isoformat()}"
    for method, url, body in family_routes(world):
        response = call(client, method, url, body, headers)
        assert response.status_code == 403, (method, url, response.text)
        detail = response.json()["detail"]
        assert agreement.reference in detail and expected in detail, detail
    # Nothing was written by the refused calls.
    staff = bearer(session, world.officer)
    assert client.get("/api/families", headers=staff).json()["total"] == 1
    assert client.get("/api/allocations", headers=staff).json()["total"] == 1
    assert client.get(f"/api/families/{world.family.id}", headers=staff).json()["year_group"] == 7


def test_a_key_is_tied_only_to_an_agreement_of_its_own_council_still_in_force(
    client, session, world
):
    theirs = record(session, world.other_officer, reference="HACK-1")
    ended = record(
        session,
        world.officer,
        reference="OLD-1",
        starts_on=date(2020, 1, 1),
        ends_on=today() - timedelta(days=1),
    )
    mine = record(session, world.officer, reference="CAMD-1")
    headers = bearer(session, world.officer)

    def make(organisation_id: int, agreement_id: int):
        return client.post(
            "/api/api-keys",
            json={"name": "K", "organisation_id": organisation_id, "agreement_id": agreement_id},
            headers=headers,
        )

    for agreement_id in (theirs.id, ended.id, 999999):
        refused = make(world.council.id, agreement_id)
        assert (refused.status_code, refused.json()["field"]) == (422, "agreement_id")
    # Hackney's officer cannot tie a Hackney key to Camden's agreement: it is not found.
    across = client.post(
        "/api/api-keys",
        json={"name": "K", "organisation_id": world.other_council.id, "agreement_id": mine.id},
        headers=bearer(session, world.other_officer),
    )
    assert (across.status_code, across.json()["field"]) == (422, "agreement_id")
    assert make(world.school.id, mine.id).status_code == 201
    assert make(world.council.id, mine.id).json()["agreement_id"] == mine.id
    other_school = make_school(session, council=world.other_council)
    assert make(other_school.id, mine.id).status_code == 422
    session.expire_all()
    assert sorted(k.agreement_id for k in session.exec(select(ApiKey))) == [mine.id, mine.id]


def test_the_support_desk_api_refuses_keys_whatever_their_agreement(client, session, world):
    agreement = record(
        session, world.officer, categories=["contact", "pupil", "preference", "free-text"]
    )
    headers = key_for(client, session, world, agreement)
    assert client.get("/api/tickets", headers=headers).status_code == 403


def test_the_key_page_offers_the_councils_agreements_and_ties_the_key(client, session, world):
    mine = record(session, world.officer, reference="CAMD-9")
    record(session, world.other_officer, reference="HACK-9")
    token = sign_in_pages(client, session, world.officer)
    page = client.get("/admin/api-keys/new").text
    assert "CAMD-9" in page and "HACK-9" not in page
    response = client.post(
        "/admin/api-keys",
        data={
            "csrf_token": token,
            "name": "Repairs",
            "organisation_id": str(world.council.id),
            "agreement_id": str(mine.id),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    key = session.exec(select(ApiKey)).one()
    assert key.agreement_id == mine.id
    assert "Repairs" in client.get(f"/privacy/agreements/{mine.id}").text


def test_a_key_without_pupil_data_reads_devices_but_not_whose_they_are(client, session, world):
    from devices.service import lifecycle
    from dfc.audit.models import AccessAudit
    from dfc.caller import Caller

    officer = Caller.for_user(world.officer, world.council)
    lifecycle.transfer_to_family(
        session, caller=officer, device_id=world.device.id, on=today(), acceptance="signed form"
    )
    session.commit()
    headers = key_for(
        client, session, world, record(session, world.officer, categories=["contact"])
    )
    device = client.get(f"/api/devices/{world.device.id}", headers=headers)
    assert (
        device.status_code == 200 and device.json()["serial_number"] == world.device.serial_number
    )
    assert device.json()["owner_family_id"] is None
    listed = client.get("/api/devices", headers=headers).json()["items"]
    assert {row["owner_family_id"] for row in listed} == {None}
    owners = client.get(f"/api/devices/{world.device.id}/ownership", headers=headers).json()
    assert [(o["to_kind"], o["to_family_id"], o["acceptance"]) for o in owners] == [
        ("family", None, None)
    ]
    history = client.get(f"/api/devices/{world.device.id}/events", headers=headers)
    assert history.status_code == 200 and "signed form" not in history.text
    staff = bearer(session, world.officer)
    assert (
        client.get(f"/api/devices/{world.device.id}", headers=staff).json()["owner_family_id"]
        == world.family.id
    )
    seen = session.exec(select(AccessAudit.family_id, AccessAudit.path)).all()
    assert (world.family.id, f"/api/devices/{world.device.id}/ownership") in seen
    assert (world.family.id, f"/api/devices/{world.device.id}/events") in seen


def test_a_family_s_texts_need_an_agreement_covering_contact_free_text_and_staff(
    client, session, world
):
    """The texts history holds the number, the reason staff gave and who they were: a key
    whose agreement covers only contact details can neither read it nor turn texts on."""
    texts = f"/api/families/{world.family.id}/texts"
    narrow = key_for(client, session, world, record(session, world.officer, categories=["contact"]))
    read = client.get(texts, headers=narrow)
    assert read.status_code == 403
    assert "does not cover a family's texts" in read.json()["detail"]
    lift = client.post(
        f"{texts}/on", headers=narrow, json={"family_asked": True, "reason": "Asked by phone"}
    )
    assert lift.status_code == 403
    whole = record(
        session,
        world.officer,
        reference="ISG-1002",
        categories=["contact", "free-text", "staff"],
    )
    covered = client.get(texts, headers=key_for(client, session, world, whole))
    assert covered.status_code == 200, covered.text
    assert covered.json()["texts_on"] is True


def test_a_key_looks_a_device_up_as_it_reads_it_with_the_same_fields_hidden(client, session, world):
    agreement = record(session, world.officer, categories=["contact"])
    headers = key_for(client, session, world, agreement)
    serial = world.device.serial_number
    looked_up = client.get("/api/devices/lookup", params={"serial": serial}, headers=headers)
    read = client.get(f"/api/devices/{world.device.id}", headers=headers)
    assert looked_up.status_code == read.status_code == 200, looked_up.text
    assert looked_up.json() == read.json()
    assert looked_up.json()["serial_number"] == serial
