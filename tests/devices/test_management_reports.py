"""The reconciliation reports and end of updates, each checked against the database after
the sample exports were imported, through the queries and the API, scoped as everything."""

from datetime import date

import pytest
from sqlmodel import select

from accounts.models import Role
from devices import management_queries as queries
from devices.models import Device, DeviceEvent, DeviceManagement, ImportKind, OwnerKind
from devices.service import end_of_updates
from tests.devices.management_setup import TODAY, build_register, caller_of, run_export
from tests.factories import bearer, make_admin, make_council, make_school, make_user

EXPECTED = {
    "not-seen": {"CB-0003"},
    "deprovisioned-but-allocated": {"NXHBPEK00112345678"},
    "in-stock-but-checking-in": {"CB-0004", "PF-2ABC13"},
    "enrolled-though-family-owned": {"CB-0005", "PF-2ABC12"},
    "not-in-register": {"5CG7788XYZ", "MP1XY9Z8"},
}


@pytest.fixture
def imported(session, engine, school, officer):
    register = build_register(session, school)
    end_of_updates.reference_dates(session)
    session.commit()
    for kind, name in (
        (ImportKind.GOOGLE_ADMIN, "google-admin-chromeos-devices.csv"),
        (ImportKind.INTUNE, "intune-devices.csv"),
    ):
        assert run_export(session, engine, officer, kind, name).status == "succeeded"
    return register


@pytest.fixture
def frozen_today(monkeypatch):
    monkeypatch.setattr("dfc.clock.today", lambda: TODAY)


def serials(session, statement) -> set[str]:
    return {row.serial_number for row in session.execute(statement)}


@pytest.mark.parametrize("slug", list(EXPECTED))
def test_each_report_lists_exactly_the_devices_the_database_says(session, imported, officer, slug):
    statement = queries.REPORTS[slug].query(caller_of(session, officer), today=TODAY)
    assert serials(session, statement) == EXPECTED[slug]


def test_the_reports_agree_with_the_records_they_read(session, imported, officer):
    """Checked the other way round: every device with a family and a check-in older than
    60 days is in the not-seen report, and nothing else is."""
    rows = session.exec(
        select(Device.serial_number, Device.status, Device.owner_kind, DeviceManagement).join(
            DeviceManagement, DeviceManagement.device_id == Device.id
        )
    ).all()
    stale = {
        serial
        for serial, status, _, record in rows
        if status in ("allocated", "with-family")
        and record.state in ("enrolled", "retire-requested")
        and (record.last_check_in_at is None or record.last_check_in_at.date() < date(2026, 10, 6))
    }
    family_owned_enrolled = {
        serial
        for serial, _, owner, record in rows
        if owner == OwnerKind.FAMILY and record.state in ("enrolled", "retire-requested")
    }
    caller = caller_of(session, officer)
    assert serials(session, queries.not_seen(caller, today=TODAY)) == stale
    assert (
        serials(session, queries.enrolled_though_family_owned(caller, today=TODAY))
        == family_owned_enrolled
    )


def test_the_reports_filter_by_manager(session, imported, officer):
    caller = caller_of(session, officer)
    only_intune = queries.Filters(manager="intune")
    statement = queries.in_stock_but_checking_in(caller, today=TODAY, filters=only_intune)
    assert serials(session, statement) == {"PF-2ABC13"}


def test_end_of_updates_comes_from_the_device_then_its_model_then_its_system(
    session, imported, officer
):
    caller = caller_of(session, officer)
    rows = {
        row.serial_number: (row.ends_on, row.basis)
        for row in session.execute(queries.end_of_updates(caller, within_days=0, today=TODAY))
    }
    # Windows 10 ended on 14 October 2025; the Windows 11 laptop and the Chromebooks
    # (updates to 2028 and 2029) are not due. PF-2ABC12 is the family's: not listed.
    assert rows == {
        "PF-2ABC11": (date(2025, 10, 14), "operating system"),
        "PF-2ABC13": (date(2025, 10, 14), "operating system"),
    }
    within_three_years = session.execute(
        queries.end_of_updates(caller, within_days=3 * 365, today=TODAY)
    ).all()
    by_serial = {row.serial_number: (row.ends_on, row.basis) for row in within_three_years}
    assert by_serial["CB-0004"] == (date(2028, 6, 30), "device")
    assert "CB-0006" not in by_serial  # lost: out of service
    device = Device(
        kind="chromebook",
        make="Acer",
        model="chromebook 311 ",
        serial_number="NEW-1",
        holder_id=imported.school.id,
        received_on=date(2026, 11, 1),
    )
    session.add(device)
    session.commit()
    updates = end_of_updates.for_device(session, device)
    assert (updates.ends_on, updates.basis) == (date(2029, 6, 30), "model")


def test_a_device_past_its_end_of_updates_is_allocated_only_with_a_reason(
    client, session, imported, headers
):
    device = imported.devices["PF-2ABC13"]  # Windows 10 Education, in stock
    from tests.devices.factories import make_family

    family = make_family(session, school=imported.school)
    body = {"device_id": device.id, "family_id": family.id, "allocated_on": "2026-11-02"}
    refused = client.post("/api/allocations", json=body, headers=headers)
    assert refused.status_code == 409
    assert refused.json()["code"] == "past-end-of-updates"
    assert refused.json()["field"] == "end_of_updates_override"
    assert "stopped getting security updates on 14 October 2025" in refused.json()["detail"]
    blank = client.post(
        "/api/allocations", json=body | {"end_of_updates_override": "  "}, headers=headers
    )
    assert blank.status_code == 409
    reason = "Pupil needs a device for exams this week; replacement ordered"
    allowed = client.post(
        "/api/allocations", json=body | {"end_of_updates_override": reason}, headers=headers
    )
    assert allowed.status_code == 201, allowed.json()
    event = session.exec(
        select(DeviceEvent).where(
            DeviceEvent.device_id == device.id, DeviceEvent.action == "allocated"
        )
    ).one()
    assert event.after["end_of_updates_override"] == reason
    assert event.after["end_of_updates"] == "2025-10-14"


def test_a_supported_device_needs_no_override(client, session, imported, headers):
    from tests.devices.factories import make_family

    device = imported.devices["CB-0004"]  # updates until June 2028 (its own date)
    family = make_family(session, school=imported.school)
    body = {"device_id": device.id, "family_id": family.id, "allocated_on": "2026-11-02"}
    assert client.post("/api/allocations", json=body, headers=headers).status_code == 201


def test_the_reports_api_pages_filters_and_exports_csv(
    client, session, imported, headers, frozen_today
):
    answer = client.get(
        "/api/reports/management/in-stock-but-checking-in",
        params={"per_page": 1, "sort": "serial_number"},
        headers=headers,
    )
    assert answer.status_code == 200
    page = answer.json()
    assert (page["total"], page["pages"], page["items"][0]["serial_number"]) == (2, 2, "CB-0004")
    filtered = client.get(
        "/api/reports/management/not-in-register", params={"manager": "intune"}, headers=headers
    )
    assert [row["serial_number"] for row in filtered.json()["items"]] == ["MP1XY9Z8"]
    csv = client.get("/api/reports/management/not-seen", params={"format": "csv"}, headers=headers)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.lstrip("\ufeff").strip().splitlines()
    assert lines[0].startswith("device_id,serial_number,holder_id")
    assert len(lines) == 2 and ",CB-0003," in lines[1]
    unknown = client.get("/api/reports/management/everything", headers=headers)
    assert unknown.status_code == 404 and "not-seen" in unknown.json()["detail"]
    ending = client.get("/api/reports/end-of-updates", params={"within_days": 0}, headers=headers)
    assert {row["serial_number"] for row in ending.json()["items"]} == {"PF-2ABC11", "PF-2ABC13"}


def test_a_devices_management_in_the_api(client, session, imported, headers, frozen_today):
    device = imported.devices["PF-2ABC11"]
    answer = client.get(f"/api/devices/{device.id}/management", headers=headers)
    assert answer.status_code == 200
    body = answer.json()
    assert (body["manager"], body["state"], body["primary_user"]) == (
        "intune",
        "enrolled",
        "pupil.0151@oakfield.sch.uk",
    )
    assert body["end_of_updates"] == {
        "ends_on": "2025-10-14",
        "basis": "operating system",
        "past": True,
    }
    assert [event["after"]["state"] for event in body["history"]] == ["enrolled"]


def test_staff_record_a_manager_without_an_export(client, session, imported, headers):
    device = imported.devices["CB-0006"]
    body = {"manager": "other-mdm", "state": "enrolled"}
    answer = client.put(f"/api/devices/{device.id}/management", json=body, headers=headers)
    assert answer.status_code == 200
    assert (answer.json()["manager"], answer.json()["state"]) == ("other-mdm", "enrolled")
    wrong = {"manager": "none", "state": "enrolled"}
    refused = client.put(f"/api/devices/{device.id}/management", json=wrong, headers=headers)
    assert refused.status_code == 422 and refused.json()["field"] == "state"


def test_another_council_sees_none_of_it(client, session, imported, frozen_today):
    other = make_council(session)
    make_school(session, council=other)
    stranger = bearer(session, make_user(session, organisation=other, role=Role.COUNCIL_OFFICER))
    device = imported.devices["PF-2ABC11"]
    assert client.get(f"/api/devices/{device.id}/management", headers=stranger).status_code == 404
    put = client.put(
        f"/api/devices/{device.id}/management",
        json={"manager": "none", "state": "not-managed"},
        headers=stranger,
    )
    assert put.status_code == 404
    for slug in EXPECTED:
        answer = client.get(f"/api/reports/management/{slug}", headers=stranger)
        assert answer.json()["total"] == 0, slug
    ending = client.get("/api/reports/end-of-updates", headers=stranger)
    assert ending.json()["total"] == 0


def test_scheme_admins_set_a_models_end_of_updates_and_imports_keep_it(
    client, session, engine, imported, officer, headers
):
    admin = bearer(session, make_admin(session))
    body = {"kind": "model", "name": "Chromebook 311", "ends_on": "2027-08-31"}
    assert client.put("/api/end-of-updates", json=body, headers=headers).status_code == 403
    answer = client.put("/api/end-of-updates", json=body, headers=admin)
    assert answer.status_code == 200 and answer.json()["source"] == "admin"
    run_export(
        session, engine, officer, ImportKind.GOOGLE_ADMIN, "google-admin-chromeos-devices.csv"
    )
    listed = client.get("/api/end-of-updates", params={"kind": "model"}, headers=headers).json()
    assert {(row["name"], row["ends_on"]) for row in listed["items"]} == {
        ("Chromebook 311", "2027-08-31"),
        ("100e Chromebook", "2028-06-30"),
    }
    bad = client.put("/api/end-of-updates", json=body | {"ends_on": "soon"}, headers=admin)
    assert bad.status_code == 422


def test_a_replacement_past_its_end_of_updates_is_swapped_in_only_with_a_reason(
    client, session, imported, headers
):
    faulty = imported.devices["5CD1234ABC"]  # with a family
    replacement = imported.devices["PF-2ABC13"]  # Windows 10 Education, in stock
    body = {"replacement_device_id": replacement.id, "on": "2026-11-03"}
    refused = client.post(f"/api/devices/{faulty.id}/swap", json=body, headers=headers)
    assert refused.status_code == 409 and refused.json()["code"] == "past-end-of-updates"
    reason = "Only spare laptop until the new order arrives"
    swapped = client.post(
        f"/api/devices/{faulty.id}/swap",
        json=body | {"end_of_updates_override": reason},
        headers=headers,
    )
    assert swapped.status_code == 200, swapped.json()
    event = session.exec(
        select(DeviceEvent).where(
            DeviceEvent.device_id == replacement.id, DeviceEvent.action == "swapped-in"
        )
    ).one()
    assert event.after["end_of_updates_override"] == reason
