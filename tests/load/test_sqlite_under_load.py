"""Issue 12: `make run`'s embedded default (SQLite in WAL mode, the filesystem broker, the web
server, beat and a worker per queue) under ordinary load. While the import worker saves a
50,000-row manifest, school staff register, allocate and take back devices, families ask for
help, an agent answers them, and everyone reads, from several threads. No request may fail;
everything the service said it saved is in the database; the import saved every row."""

import csv
import io
import os
import re
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlmodel import Session, func, select

from devices.models import Allocation, Device, Dongle, Family
from dfc.demo import DEMO_SCHOOLS
from support.models import Ticket, TicketMessage
from tests.e2e import server
from tests.load.traffic import REQUEST_TIMEOUT_SECONDS, DeskAgent, Recorder, SchoolOffice

pytestmark = pytest.mark.worker

IMPORT_ROWS = 50_000
WITH_DONGLE_EVERY = 4  # every fourth device comes with a dongle and its SIM
IMPORT_SERIALS = "LOAD-IMPORT-"
MANIFEST_COLUMNS = ("serial_number", "kind", "make", "model", "holder", "received_on")
MANIFEST_COLUMNS += ("dongle_imei", "sim_iccid", "network_operator", "gb_per_month")
MANIFEST_COLUMNS += ("contract_months",)
SCHOOL_STAFF = 5  # and one support agent: six threads
WARM_UP_SECONDS = 5  # traffic before the upload, so the import starts under load
AFTER_IMPORT_SECONDS = 10
LEAST_LOAD_SECONDS = 30
IMPORT_DEADLINE_SECONDS = 90
LOG_ERRORS = 4
LOG_ERROR_LINES = 40  # of each traceback, the innermost frames
LOG_TAIL_LINES = 60


@pytest.fixture
def service() -> Iterator[server.RunningService]:
    """The whole service as `make run` starts it, on its own SQLite file and port. Its log
    is kept afterwards; its database, tens of megabytes, is not."""
    if make_url(os.environ["DATABASE_URL"]).get_backend_name() != "sqlite":
        pytest.skip("the embedded default under load: runs in the SQLite pass")
    running = server.start(os.environ["DATABASE_URL"], None)  # None: the embedded broker
    yield running
    server.stop(running)
    database = Path(make_url(running.database_url).database or "")
    for path in database.parent.glob(database.name + "*"):
        path.unlink()


def manifest(urn: str) -> bytes:
    received_on = (date.today() - timedelta(days=20)).isoformat()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(MANIFEST_COLUMNS)
    for n in range(IMPORT_ROWS):
        dongle = (
            [f"35{n:013d}", f"8944{n:015d}", "Three", "20", "12"]
            if n % WITH_DONGLE_EVERY == 0
            else [""] * 5
        )
        writer.writerow(
            [f"{IMPORT_SERIALS}{n:06d}", "chromebook", "Acer", "C733", urn, received_on, *dongle]
        )
    return out.getvalue().encode()


def import_in_background(
    service: server.RunningService, recorder: Recorder, email: str
) -> tuple[dict, float, float]:
    """Uploads the manifest for the import worker and waits for it: the finished job, and
    when it was uploaded and seen finished (seconds into the load)."""
    with httpx.Client(base_url=service.base_url, timeout=REQUEST_TIMEOUT_SECONDS) as http:
        token = recorder.send(
            http,
            "sign in (API token)",
            "POST",
            "/api/auth/token",
            data={"username": email, "password": service.logins[email]},
        )
        api = {"Authorization": f"Bearer {token.json()['access_token']}"} if token else {}
        data = manifest(DEMO_SCHOOLS[0][0])
        uploaded = recorder.elapsed()
        queued = recorder.send(
            http,
            "upload manifest",
            "POST",
            "/api/imports/manifest",
            params={"background": "true"},
            headers=api,
            files={"file": ("delivery.csv", data, "text/csv")},
        )
        job = queued.json() if queued else {"status": "not queued", "summary": None}
        while job["status"] in ("queued", "running"):
            if recorder.elapsed() - uploaded > IMPORT_DEADLINE_SECONDS:
                break
            time.sleep(0.5)
            path = f"/api/imports/{job['id']}"
            answer = recorder.send(http, "import status", "GET", path, headers=api)
            job = answer.json() if answer else job
        return job, uploaded, recorder.elapsed()


def missing_writes(database_url: str, offices: list[SchoolOffice], agent: DeskAgent) -> list[str]:
    """What the service answered 2xx for but is not in its database, as it was answered."""
    missing = []
    engine = create_engine(database_url)
    with Session(engine) as session:
        for office in offices:
            devices = {
                row.id: (row.serial_number, row.status)
                for row in session.exec(select(Device).where(Device.id.in_(office.devices)))
            }
            missing += [
                f"device {device_id}: expected {expected}, found {devices.get(device_id)}"
                for device_id, expected in office.devices.items()
                if devices.get(device_id) != expected
            ]
            families = dict(
                session.exec(
                    select(Family.id, Family.pupil_reference).where(Family.id.in_(office.families))
                ).all()
            )
            missing += [
                f"family {family_id} ({reference})"
                for family_id, reference in office.families.items()
                if families.get(family_id) != reference
            ]
            allocations = dict(
                session.exec(
                    select(Allocation.id, Allocation.returned_on.is_not(None)).where(
                        Allocation.id.in_(office.allocations)
                    )
                ).all()
            )
            missing += [
                f"allocation {allocation_id}: returned {returned}, "
                f"found {allocations.get(allocation_id, 'nothing')}"
                for allocation_id, returned in office.allocations.items()
                if allocations.get(allocation_id) is not returned
            ]
            references = [reference.replace("-", "") for reference in office.tickets]
            found = set(
                session.exec(select(Ticket.reference).where(Ticket.reference.in_(references)))
            )
            missing += [f"ticket {ref}" for ref in references if ref not in found]
        replies = set(
            session.exec(select(TicketMessage.id).where(TicketMessage.id.in_(agent.replies)))
        )
        missing += [
            f"reply {message_id}" for message_id in agent.replies if message_id not in replies
        ]
    engine.dispose()
    return missing


def import_problems(job: dict, database_url: str) -> list[str]:
    """How the import fell short of saving every row, if it did."""
    expected = (IMPORT_ROWS, len(range(0, IMPORT_ROWS, WITH_DONGLE_EVERY)))
    problems = []
    summary = job["summary"] or {}
    added = (summary.get("devices_added"), summary.get("dongles_added"))
    if job["status"] != "succeeded" or added != expected:
        problems.append(f"the import did not save every row: {job}")
    devices, dongles = imported(database_url)
    if (devices, dongles) != expected:
        problems.append(f"the register holds {devices} imported devices and {dongles} dongles")
    return problems


def imported(database_url: str) -> tuple[int, int]:
    """How many of the manifest's devices, and their dongles, are in the register."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        devices = session.exec(
            select(func.count()).where(Device.serial_number.startswith(IMPORT_SERIALS))
        ).one()
        dongles = session.exec(
            select(func.count())
            .select_from(Dongle)
            .join(Device, Dongle.paired_device_id == Device.id)
            .where(Device.serial_number.startswith(IMPORT_SERIALS))
        ).one()
    engine.dispose()
    return devices, dongles


def logged_errors(log: str) -> list[str]:
    """The service's error records, each with its traceback."""
    records = re.split(r"\n(?=\[?\d{4}-\d\d-\d\d )", log)
    return [record for record in records if "ERROR" in record.partition("\n")[0]]


def report(recorder: Recorder, service: server.RunningService, failures: list[str]) -> str:
    """What failed; each failed request with its answer; the first errors in the service's
    log with their tracebacks; then the log's tail."""
    lines = [*failures, ""]
    for answer in recorder.failed():
        lines += [answer.line(), f"  {answer.body}"]
    log = service.log.read_text(errors="replace")
    errors = logged_errors(log)
    lines.append(f"--- {len(errors)} errors in the service's log, {service.log}; the first ---")
    for error in errors[:LOG_ERRORS]:
        first, *rest = error.splitlines()
        lines += [
            first,
            *(["  ..."] if len(rest) > LOG_ERROR_LINES else []),
            *rest[-LOG_ERROR_LINES:],
        ]
    lines.append("--- the tail of the service's log ---")
    lines += log.splitlines()[-LOG_TAIL_LINES:]
    return "\n".join(lines)


def _school_of(service: server.RunningService, email: str) -> int:
    with httpx.Client(base_url=service.base_url, timeout=30) as http:
        token = http.post(
            "/api/auth/token", data={"username": email, "password": service.logins[email]}
        ).json()["access_token"]
        me = http.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()
    return me["organisation_id"]


def test_web_traffic_during_a_big_import_on_sqlite_gets_no_5xx_and_loses_no_write(service, capsys):
    staff = next(email for email in service.logins if email.startswith("staff@"))
    agent_email = next(email for email in service.logins if email.startswith("agent@"))
    school_id = _school_of(service, staff)
    recorder = Recorder()  # the load's clock starts here
    offices = [
        SchoolOffice(n, service.base_url, staff, service.logins[staff], school_id, recorder)
        for n in range(SCHOOL_STAFF)
    ]
    agent = DeskAgent(service.base_url, agent_email, service.logins[agent_email], recorder)
    stop = threading.Event()
    threads = [
        threading.Thread(target=recorder.run, args=(person.run, stop))
        for person in [*offices, agent]
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(WARM_UP_SECONDS)
        job, uploaded, finished = import_in_background(service, recorder, staff)
        time.sleep(max(AFTER_IMPORT_SECONDS, LEAST_LOAD_SECONDS - recorder.elapsed()))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=REQUEST_TIMEOUT_SECONDS + 10)

    with capsys.disabled():
        print(
            f"\n{len(recorder.answers)} requests from {len(threads)} threads in "
            f"{recorder.elapsed():.0f}s. The {IMPORT_ROWS:,}-row import: uploaded at "
            f"{uploaded:.1f}s, {job['status']} at {finished:.1f}s ({finished - uploaded:.1f}s), "
            f"{job['summary']}.\n{recorder.summary()}\nslowest: {recorder.slowest().line()}"
        )
    failures = []
    if any(thread.is_alive() for thread in threads):
        failures.append("a thread was still waiting for an answer")
    failures += recorder.crashes
    if recorder.failed():
        failures.append(f"{len(recorder.failed())} requests failed (5xx or no answer)")
    failures += [f"refused: {answer.line()}: {answer.body[:300]}" for answer in recorder.refused()]
    missing = missing_writes(service.database_url, offices, agent)
    failures += [f"said saved, not found: {what}" for what in missing]
    failures += import_problems(job, service.database_url)
    assert not failures, report(recorder, service, failures)
