"""The managers' own exports imported through the job: matched by serial number, unmatched
rows listed, blank serials and repeated rows counted, bad rows rejected by row and column
with nothing saved, and a second import changing nothing."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import Session, func, select

from accounts.models import Role
from devices.models import (
    DeviceEvent,
    DeviceManagement,
    EndOfUpdates,
    ImportKind,
    UnmatchedManagedDevice,
    UpdatesKind,
)
from tests.devices.management_setup import DATA, build_register, run_export
from tests.factories import bearer, make_council, make_school, make_user

GOOGLE, INTUNE = ImportKind.GOOGLE_ADMIN, ImportKind.INTUNE


@pytest.fixture
def register(session, school):
    return build_register(session, school)


def managed(session: Session) -> dict[str, tuple[str, str, str | None]]:
    """serial -> (manager, state, last check-in) of every management record."""
    from devices.models import Device

    rows = session.exec(
        select(
            Device.serial_number,
            DeviceManagement.manager,
            DeviceManagement.state,
            DeviceManagement.last_check_in_at,
        ).join(DeviceManagement, DeviceManagement.device_id == Device.id)
    ).all()
    return {s: (m.value, st.value, at.isoformat() if at else None) for s, m, st, at in rows}


def counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(
        session.exec(select(func.count()).select_from(model)).one()
        for model in (DeviceManagement, DeviceEvent, UnmatchedManagedDevice)
    )


def test_the_google_admin_export_is_matched_by_serial_and_lists_what_the_register_lacks(
    session, engine, register, officer
):
    job = run_export(session, engine, officer, GOOGLE, "google-admin-chromeos-devices.csv")
    assert job.status == "succeeded", job.problems
    assert job.summary == {
        "added": 6,
        "updated": 0,
        "unchanged": 0,
        "unmatched": 1,
        "without_serial": 1,
        "duplicate_rows": 1,
        "model_dates": 2,
    }
    records = managed(session)
    # The repeated 5CD1234ABC keeps the row that checked in last (ACTIVE, 3 December).
    assert records["5CD1234ABC"] == ("google-admin", "enrolled", "2026-12-03T07:41:09.512000+00:00")
    assert records["NXHBPEK00112345678"][1] == "deprovisioned"
    assert records["CB-0004"][1] == "enrolled"  # the file wrote cb-0004
    assert records["CB-0006"][1] == "enrolled"  # DISABLED: locked, still the council's
    unmatched = session.exec(select(UnmatchedManagedDevice)).all()
    assert [(u.serial_number, u.row, u.reported_model) for u in unmatched] == [
        ("5CG7788XYZ", 9, "HP Chromebook 11 G9 EE")
    ]
    record = session.exec(
        select(DeviceManagement).where(
            DeviceManagement.device_id == register.devices["5CD1234ABC"].id
        )
    ).one()
    assert (record.primary_user, record.org_unit, record.asset_id) == (
        "pupil.0141@oakfield.sch.uk",
        "/Pupils/Oakfield Primary",
        "OAK-0001",
    )
    assert record.auto_update_expires_on == date(2029, 6, 30)
    assert record.enrolled_on == date(2026, 1, 12)
    models = session.exec(
        select(EndOfUpdates.name, EndOfUpdates.ends_on).where(
            EndOfUpdates.kind == UpdatesKind.MODEL
        )
    ).all()
    assert sorted(models) == [
        ("100e Chromebook", date(2028, 6, 30)),
        ("Chromebook 311", date(2029, 6, 30)),
    ]
    history = session.exec(
        select(DeviceEvent).where(DeviceEvent.action == "management-changed")
    ).all()
    assert len(history) == 6
    assert history[0].after["source"] == "Google Admin ChromeOS device list"


def test_importing_the_same_export_again_changes_nothing(session, engine, register, officer):
    run_export(session, engine, officer, GOOGLE, "google-admin-chromeos-devices.csv")
    before, records = counts(session), managed(session)
    job = run_export(session, engine, officer, GOOGLE, "google-admin-chromeos-devices.csv")
    assert job.status == "succeeded"
    assert (job.summary["added"], job.summary["updated"], job.summary["unchanged"]) == (0, 0, 6)
    assert job.summary["model_dates"] == 0
    assert counts(session) == before
    assert managed(session) == records


def test_a_later_export_updates_the_record_and_its_history_says_what_changed(
    session, engine, register, officer
):
    run_export(session, engine, officer, GOOGLE, "google-admin-chromeos-devices.csv")
    job = run_export(session, engine, officer, GOOGLE, "google-directory-api-chromeosdevices.csv")
    assert job.status == "succeeded", job.problems
    assert (job.summary["added"], job.summary["updated"]) == (0, 1)
    assert job.summary["unchanged"] == 1
    assert managed(session)["CB-0004"][1] == "deprovisioned"
    changes = session.exec(
        select(DeviceEvent)
        .where(
            DeviceEvent.device_id == register.devices["CB-0004"].id,
            DeviceEvent.action == "management-changed",
        )
        .order_by(DeviceEvent.id)
    ).all()
    assert [(c.before.get("state"), c.after["state"]) for c in changes] == [
        (None, "enrolled"),
        ("enrolled", "deprovisioned"),
    ]
    # The API's file lists only two devices: the earlier file's unmatched device is gone
    # from the list, since this export is now what the manager holds.
    assert counts(session)[2] == 0
    # autoUpdateExpiration in milliseconds: 1843948800000 is 7 June 2028 (UTC).
    record = session.exec(
        select(DeviceManagement).where(DeviceManagement.device_id == register.devices["CB-0004"].id)
    ).one()
    assert record.auto_update_expires_on == date(2028, 6, 7)


def test_a_bad_google_export_is_rejected_whole_naming_each_row_and_column(
    session, engine, register, officer
):
    job = run_export(session, engine, officer, GOOGLE, "google-admin-bad.csv")
    assert job.status == "failed"
    problems = [(p["row"], p["column"]) for p in job.problems]
    assert problems == [(2, "last sync"), (3, "status"), (4, "auto update expiration")]
    assert "February 2026 has 28 days" in job.problems[0]["message"]
    assert "'RETIRED' is not a status we know" in job.problems[1]["message"]
    assert "DEPROVISIONED" in job.problems[1]["message"]
    assert counts(session) == (0, 0, 0)  # CB-0006, a good row, was not saved either


def test_the_intune_export_is_matched_by_serial_in_any_case_or_spacing(
    session, engine, register, officer
):
    job = run_export(session, engine, officer, INTUNE, "intune-devices.csv")
    assert job.status == "succeeded", job.problems
    assert job.summary == {
        "added": 3,
        "updated": 0,
        "unchanged": 0,
        "unmatched": 1,
        "without_serial": 1,
        "duplicate_rows": 1,
        "model_dates": 0,
    }
    records = managed(session)
    assert records["PF-2ABC11"] == ("intune", "enrolled", "2026-12-02T08:47:36+00:00")
    assert records["PF-2ABC12"][1] == "retire-requested"
    assert records["PF-2ABC13"][1] == "enrolled"  # written " pf-2abc13 "
    record = session.exec(
        select(DeviceManagement).where(
            DeviceManagement.device_id == register.devices["PF-2ABC11"].id
        )
    ).one()
    assert (record.primary_user, record.ownership, record.compliance, record.os_version) == (
        "pupil.0151@oakfield.sch.uk",
        "Corporate",
        "Compliant",
        "Windows 10.0.19045.5131",
    )
    assert record.enrolled_on == date(2026, 1, 14)
    unmatched = session.exec(select(UnmatchedManagedDevice.serial_number)).all()
    assert unmatched == ["MP1XY9Z8"]
    again = run_export(session, engine, officer, INTUNE, "intune-devices.csv")
    assert (again.summary["added"], again.summary["unchanged"]) == (0, 3)


def test_a_bad_intune_export_is_rejected_whole(session, engine, register, officer):
    job = run_export(session, engine, officer, INTUNE, "intune-bad.csv")
    assert job.status == "failed"
    assert [(p["row"], p["column"]) for p in job.problems] == [
        (2, "last check-in"),
        (3, "device state"),
    ]
    assert "there is no month 13" in job.problems[0]["message"]
    assert counts(session) == (0, 0, 0)


def test_a_file_that_is_not_a_manager_export_says_which_columns_it_lacks(
    session, engine, register, officer
):
    job = run_export(session, engine, officer, GOOGLE, "intune-devices.csv")
    assert job.status == "failed"
    assert job.problems[0]["row"] == 1
    assert "not a Google Admin ChromeOS device list" in job.problems[0]["message"]
    assert "'Status'" in job.problems[0]["message"]


def test_another_councils_export_never_matches_our_devices(session, engine, register):
    other_council = make_council(session)
    make_school(session, council=other_council)
    stranger = make_user(session, organisation=other_council, role=Role.COUNCIL_OFFICER)
    job = run_export(session, engine, stranger, GOOGLE, "google-admin-chromeos-devices.csv")
    assert job.status == "succeeded"
    assert (job.summary["added"], job.summary["unmatched"]) == (0, 7)
    assert counts(session)[0] == 0
    listed = session.exec(select(UnmatchedManagedDevice.organisation_id)).all()
    assert set(listed) == {other_council.id}


def test_progress_reaches_every_row(session, engine, register, officer):
    job = run_export(session, engine, officer, GOOGLE, "google-admin-chromeos-devices.csv")
    assert (job.processed_rows, job.total_rows) == (9, 9)
    assert job.finished_at <= datetime.now(UTC)


def upload(client, path: str, filename: str, headers, **params):
    data = (DATA / filename).read_bytes()
    files = {"file": (filename, data, "text/csv")}
    return client.post(f"/api/imports/{path}", files=files, params=params, headers=headers)


def test_the_api_imports_a_small_export_at_once_and_answers_its_summary(
    client, session, register, headers
):
    answer = upload(client, "intune", "intune-devices.csv", headers)
    assert answer.status_code == 200, answer.json()
    assert (answer.json()["added"], answer.json()["unmatched"]) == (3, 1)
    refused = upload(client, "google-admin", "google-admin-bad.csv", headers)
    assert refused.status_code == 422
    assert [(p["row"], p["column"]) for p in refused.json()["problems"]] == [
        (2, "last sync"),
        (3, "status"),
        (4, "auto update expiration"),
    ]


def test_support_agents_cannot_import_an_export(client, session, register, council):
    agent = make_user(session, organisation=council, role=Role.SUPPORT_AGENT)
    answer = upload(
        client, "google-admin", "google-admin-chromeos-devices.csv", bearer(session, agent)
    )
    assert answer.status_code == 403
    assert counts(session) == (0, 0, 0)
