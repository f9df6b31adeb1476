"""Manifest and usage imports: all or nothing, every problem named, re-imports add nothing."""

import csv
import io
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlmodel import Session, func, select

from accounts.models import Organisation, Role
from devices.imports import jobs
from devices.models import CoverPeriod, DataAllowance, DataUsage, Device, DeviceEvent, Dongle, Sim
from devices.models.imports import ImportJob, ImportKind
from dfc.caller import Caller
from tests.devices.factories import make_device, make_dongle_with_sim
from tests.factories import bearer, make_council, make_school, make_user

TABLES = (Device, Dongle, Sim, CoverPeriod, DeviceEvent, DataAllowance, DataUsage)
MANIFEST = [
    # a laptop with its dongle and SIM, for a school
    {"serial_number": "pf-1a 2b3c", "kind": "laptop", "make": "Lenovo", "model": "100e",
     "dongle_imei": "356938035643809", "sim_iccid": "8944100000000000001",
     "sim_phone_number": "07911 123456", "network_operator": "Three", "gb_per_month": "20",
     "contract_months": "12"},
    # a tablet on its own, for the council (an LA code)
    {"serial_number": "TAB-2", "kind": "tablet", "make": "Apple", "model": "iPad"},
    # a router and its SIM, no device
    {"kind": "router", "make": "Huawei", "model": "B535", "dongle_imei": "356938035643810",
     "sim_iccid": "8944100000000000002", "network_operator": "EE"},
]  # fmt: skip


def counts(session: Session) -> dict[str, int]:
    session.expire_all()
    return {m.__name__: session.exec(select(func.count()).select_from(m)).one() for m in TABLES}


def as_csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(dict.fromkeys(c for row in rows for c in row)))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # with a BOM, as Excel saves "CSV UTF-8"


def many_devices(school, count: int) -> list[dict[str, str]]:
    return [{"serial_number": f"BULK-{n}", "kind": "chromebook", "make": "Acer", "model": "C733",
             "holder": school.urn, "received_on": "2026-03-02"} for n in range(count)]  # fmt: skip


def queued_job(session: Session, officer, rows: list[dict[str, str]]) -> ImportJob:
    caller = Caller.for_user(officer, session.get_one(Organisation, officer.organisation_id))
    kind, data = ImportKind.MANIFEST, as_csv(rows)
    job = jobs.create_job(session, caller=caller, kind=kind, filename="m.csv", data=data, rows=0)
    session.commit()
    return job


def manifest(school, council) -> list[dict[str, str]]:
    holders = (school.urn, council.la_code, school.urn)
    both = zip(MANIFEST, holders, strict=True)
    return [row | {"holder": holder, "received_on": "2026-01-05"} for row, holder in both]


def summary(*, added: int, unchanged: int) -> dict[str, int]:
    each = {"added": added, "unchanged": unchanged}
    return {
        f"{noun}_{how}": n for noun in ("devices", "dongles", "sims") for how, n in each.items()
    }


def upload(client, kind, data, headers, filename="file.csv", **params):
    files = {"file": (filename, data, "application/octet-stream")}
    return client.post(f"/api/imports/{kind}", files=files, params=params, headers=headers)


def test_a_manifest_adds_devices_dongles_and_sims_with_support_and_allowances(
    client, session, school, council, headers
):
    response = upload(client, "manifest", as_csv(manifest(school, council)), headers)
    assert response.status_code == 200, response.text
    assert response.json() == summary(added=2, unchanged=0)
    laptop = session.exec(select(Device).where(Device.serial_number == "PF-1A2B3C")).one()
    assert (laptop.holder_id, laptop.kind, laptop.status) == (school.id, "laptop", "in-stock")
    periods = session.exec(select(CoverPeriod).order_by(CoverPeriod.device_id)).all()
    assert [(p.starts_on, p.ends_on) for p in periods] == [(date(2026, 1, 5), date(2026, 7, 4))] * 2
    assert {e.action for e in session.exec(select(DeviceEvent))} == {"registered"}
    dongle = session.exec(select(Dongle).where(Dongle.paired_device_id == laptop.id)).one()
    router = session.exec(select(Dongle).where(Dongle.paired_device_id.is_(None))).one()
    assert (router.kind.value, router.make_model) == ("router", "Huawei B535")
    sims = {sim.iccid: sim for sim in session.exec(select(Sim))}
    first, second = sims["8944100000000000001"], sims["8944100000000000002"]
    assert (first.dongle_id, first.phone_number) == (dongle.id, "+447911123456")
    assert first.contract_ends_on == date(2027, 1, 4)
    assert (second.dongle_id, second.contract_ends_on) == (router.id, date(2026, 7, 4))
    allowances = {a.sim_id: a.gb_per_month for a in session.exec(select(DataAllowance))}
    assert allowances == {first.id: Decimal(20), second.id: Decimal(3)}


def test_importing_the_same_manifest_again_adds_nothing(client, session, school, council, headers):
    data = as_csv(manifest(school, council))
    assert upload(client, "manifest", data, headers).status_code == 200
    before = counts(session)
    again = upload(client, "manifest", data, headers)
    assert again.status_code == 200, again.text
    assert again.json() == summary(added=0, unchanged=2)
    assert counts(session) == before


def test_an_xlsx_manifest_imports_like_a_csv(client, session, school, council, headers):
    rows, workbook, buffer = manifest(school, council), Workbook(), io.BytesIO()
    columns = list(dict.fromkeys(name for row in rows for name in row))
    workbook.active.append([name.upper() for name in columns])  # any case will do
    typed = {"received_on": datetime(2026, 1, 5), "gb_per_month": 20.0, "contract_months": 12}
    for row in rows:
        workbook.active.append([typed.get(c, row.get(c)) if row.get(c) else None for c in columns])
    workbook.save(buffer)
    response = upload(client, "manifest", buffer.getvalue(), headers, filename="delivery.XLSX")
    assert response.status_code == 200, response.text
    assert response.json()["devices_added"] == 2
    assert counts(session)["CoverPeriod"] == 2
    assert sorted(session.exec(select(DataAllowance.gb_per_month))) == [Decimal(3), Decimal(20)]


def test_a_manifest_with_bad_rows_is_rejected_whole_naming_each_row_and_column(
    client, session, school, council, headers
):
    elsewhere = make_school(session, council=council)
    make_device(session, holder=elsewhere, serial="SN-TAKEN")
    good = manifest(school, council)[1]
    rows = [
        good | {"serial_number": "OK-1"},  # row 2: fine
        good | {"serial_number": "BAD-KIND", "kind": "phone"},  # row 3
        good | {"serial_number": "ok-1"},  # row 4: row 2's serial again
        {"serial_number": "", "dongle_imei": "12345", "holder": school.urn,
         "received_on": "2026-01-05"},  # row 5: not an IMEI
        good | {"serial_number": "BAD-DATE", "received_on": "31/02/2026"},  # row 6
        good | {"serial_number": "NOWHERE", "holder": "999999"},  # row 7
        good | {"serial_number": "sn-taken"},  # row 8: held by another school
    ]  # fmt: skip
    before = counts(session)
    response = upload(client, "manifest", as_csv(rows), headers)
    problems = response.json()["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [
        (3, "kind"), (4, "serial_number"), (5, "dongle_imei"), (6, "received_on"), (7, "holder"),
        (8, "serial_number"),
    ]  # fmt: skip
    assert "row 2" in problems[1]["message"]
    assert "already registered to another holder" in problems[5]["message"]
    assert counts(session) == before


def test_only_writers_import_only_for_holders_they_reach_and_only_csv_or_xlsx(
    client, session, school, council, headers
):
    other = make_school(session, council=council)
    staff = bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    rows = [manifest(school, council)[1] | {"holder": other.urn}]
    response = upload(client, "manifest", as_csv(rows), staff)
    assert [(p["row"], p["column"]) for p in response.json()["problems"]] == [(2, "holder")]
    agent = bearer(session, make_user(session, organisation=council, role=Role.SUPPORT_AGENT))
    assert upload(client, "usage", b"iccid,read_on,used_mb\n", agent).status_code == 403
    response = upload(client, "usage", b"%PDF", headers, filename="usage.pdf")
    assert "'usage.pdf' is not a .csv or .xlsx file" in response.json()["problems"][0]["message"]
    assert counts(session)["Device"] == 0


def test_usage_readings_are_added_and_corrected_once_and_bad_rows_reject_the_file(
    client, session, school, headers
):
    _dongle, sim = make_dongle_with_sim(session, holder=school)
    rows = [
        {"iccid": sim.iccid, "read_on": "2026-02-01", "used_mb": "300", "used_gb": ""},
        {"iccid": sim.iccid, "read_on": "2026-02-02", "used_mb": "", "used_gb": "1.5"},
    ]
    first = upload(client, "usage", as_csv(rows), headers)
    assert first.json() == {"added": 2, "updated": 0, "unchanged": 0}, first.text
    again = upload(client, "usage", as_csv(rows), headers).json()
    assert again == {"added": 0, "updated": 0, "unchanged": 2}
    rows[0]["used_mb"] = "350"
    assert upload(client, "usage", as_csv(rows), headers).json()["updated"] == 1
    _other, unreachable = make_dongle_with_sim(session, holder=make_school(
        session, council=make_council(session)))  # fmt: skip
    bad = [
        {"iccid": sim.iccid, "read_on": "2026-02-03", "used_mb": "300"},  # row 2: fine
        {"iccid": "8944000000000009999", "read_on": "2026-02-01", "used_mb": "1"},  # unknown
        {"iccid": unreachable.iccid, "read_on": "2026-02-01", "used_mb": "1"},  # not ours
        {"iccid": sim.iccid, "read_on": "2026-02-30", "used_mb": "1"},  # no such day
        {"iccid": sim.iccid, "read_on": "2026-02-04", "used_mb": "-5"},  # negative
        {"iccid": sim.iccid, "read_on": "2026-02-03", "used_mb": "301"},  # row 2's day again
    ]
    response = upload(client, "usage", as_csv(bad), headers)
    problems = [(p["row"], p["column"]) for p in response.json()["problems"]]
    assert problems == [(3, "iccid"), (4, "iccid"), (5, "read_on"), (6, "used_mb"), (7, "read_on")]
    readings = session.exec(select(DataUsage.read_on, DataUsage.used_mb)).all()
    assert sorted(readings) == [(date(2026, 2, 1), 350), (date(2026, 2, 2), 1536)]


def test_a_job_records_progress_that_others_can_read_while_it_runs(
    engine, session, school, officer, monkeypatch
):
    job = queued_job(session, officer, many_devices(school, 2500))
    seen: list[int] = []
    recorder = jobs.progress_recorder

    def watched(main: Session, *, job_id: int):
        def record_and_read(done: int, total: int) -> None:
            recorder(main, job_id=job_id)(done, total)
            with Session(engine) as reader:  # another session, as GET would be
                seen.append(reader.get_one(ImportJob, job_id).processed_rows)

        return record_and_read

    monkeypatch.setattr(jobs, "progress_recorder", watched)
    with Session(engine) as worker_session:
        jobs.run_job(worker_session, job_id=job.id)
    session.refresh(job)
    assert (job.status, job.processed_rows, job.total_rows) == ("succeeded", 2500, 2500)
    assert job.content is None and job.summary["devices_added"] == 2500
    assert seen == sorted(seen) and any(0 < done < 2500 for done in seen)


def test_a_job_whose_uploader_was_deactivated_imports_nothing(session, school, officer):
    job = queued_job(session, officer, many_devices(school, 3))
    officer.is_active = False
    session.commit()
    jobs.run_job(session, job_id=job.id)
    assert (job.status, job.problems[0]["row"]) == ("failed", 0)
    assert counts(session)["Device"] == 0


@pytest.fixture
def worker(engine) -> Iterator[subprocess.Popen]:
    """A real worker on the configured broker (embedded here, Redis in CI)."""
    command = [sys.executable, "-m", "dfc", "worker", "--concurrency", "1", "--loglevel", "WARNING"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def finished_job(client, job_id, headers, worker) -> dict:
    for _ in range(360):  # 90 seconds
        job = client.get(f"/api/imports/{job_id}", headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        assert worker.poll() is None, f"the worker stopped: {worker.stdout.read()}"
        time.sleep(0.25)
    raise AssertionError(f"the import did not finish within 90 seconds: {job}")


@pytest.mark.worker
def test_queued_imports_are_done_by_a_real_worker_all_or_nothing(
    client, session, school, headers, worker
):
    rows = many_devices(school, 300)
    rows[150]["kind"] = "toaster"
    bad = upload(client, "manifest", as_csv(rows), headers, background="true")
    assert (bad.status_code, bad.json()["status"]) == (202, "queued"), bad.text
    failed = finished_job(client, bad.json()["id"], headers, worker)
    problems = [(p["row"], p["column"]) for p in failed["problems"]]
    assert (failed["status"], problems) == ("failed", [(152, "kind")])
    assert counts(session)["Device"] == 0
    good = upload(client, "manifest", as_csv(many_devices(school, 400)), headers, background="true")
    job = finished_job(client, good.json()["id"], headers, worker)
    assert (job["status"], job["processed_rows"], job["total_rows"]) == ("succeeded", 400, 400)
    assert job["summary"]["devices_added"] == counts(session)["CoverPeriod"] == 400
    other_council = bearer(session, make_user(
        session, organisation=make_council(session), role=Role.COUNCIL_OFFICER))  # fmt: skip
    assert client.get(f"/api/imports/{job['id']}", headers=other_council).status_code == 404
