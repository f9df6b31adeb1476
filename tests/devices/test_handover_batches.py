"""Many devices handed over at once: a school chooses from its devices with a family (those
ready are marked), the worker hands each over through the same checklist, the page shows
progress and each device's outcome; a worker that dies mid-batch is replaced and nothing
is done twice; the API asks and reads the same batch."""

import os
import signal
import subprocess
import time
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from devices.models import (
    BatchOutcome,
    BatchStatus,
    Device,
    HandoverBatch,
    HandoverBatchDevice,
    OwnerKind,
    OwnershipTransfer,
)
from devices.service import handover_batches
from dfc.caller import Caller
from dfc.db_types import utcnow
from tests.devices.factories import make_allocation, make_device, make_family
from tests.devices.test_handover import complete
from tests.devices.test_import_recovery import _dfc, _show_logs
from tests.devices.test_management_pages import text_of
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages

ON = date(2026, 3, 1)


@pytest.fixture
def teacher(session: Session, school):
    return make_user(session, organisation=school, role=Role.SCHOOL_STAFF)


@pytest.fixture
def staff(session: Session, teacher):
    return bearer(session, teacher)


@pytest.fixture
def signer(headers):
    """A council officer, who records the filtering decisions."""
    return headers


def with_family(session: Session, school, serial: str) -> Device:
    device = make_device(session, holder=school, serial=serial)
    family = make_family(session, school=school)
    make_allocation(session, device=device, family=family, on=date(2026, 2, 1))
    return device


@pytest.fixture
def stock(client, session, school, staff, signer):
    """Three laptops with families: the first two ready, the third not started."""
    devices = [with_family(session, school, f"HB-{n}") for n in range(3)]
    for device in devices[:2]:
        complete(client, staff, signer, device)
    return devices


def ask_on_the_page(client, token: str, devices) -> str:
    """Chooses `devices` on the handovers page for 1 March 2026; the batch page's address."""
    chosen = [str(device.id) for device in devices]
    date_parts = {"on-day": "1", "on-month": "3", "on-year": "2026"}
    asked = client.post(
        "/handovers",
        data={"csrf_token": token, "device_id": chosen, **date_parts},
        follow_redirects=False,
    )
    assert asked.status_code == 303
    return asked.headers["location"]


def queued(monkeypatch) -> list[int]:
    sent: list[int] = []
    monkeypatch.setattr("devices.tasks.run_handover_batch.delay", sent.append)
    return sent


def owners(session: Session, devices) -> list[OwnerKind]:
    session.expire_all()
    return [session.get(Device, device.id).owner_kind for device in devices]


def test_the_school_sees_which_devices_are_ready_and_hands_them_over_with_progress(
    client, session, teacher, stock, monkeypatch
):
    sent = queued(monkeypatch)
    token = sign_in_pages(client, session, teacher)
    devices_page = text_of(client.get("/devices").text)
    assert "hand over devices to families" in devices_page
    page = client.get("/handovers")
    shown = text_of(page.text)
    assert page.status_code == 200
    assert "2 of 3 devices with a family are ready to become the family's" in shown
    assert "HB-2" in shown and "Still to do: Removed from management, Wiped" in shown
    assert page.text.count("checked") == 2  # the ready ones are chosen for the school
    batch_url = ask_on_the_page(client, token, stock)
    waiting = client.get(batch_url)
    assert "Waiting to start" in waiting.text and "data-app-refresh" in waiting.text
    assert "0 of 3 done" in text_of(waiting.text)
    handover_batches.run(session, batch_id=sent[0])  # what the worker does
    done = text_of(client.get(batch_url).text)
    assert "Finished" in done and "2 of 3 handed over to their families; 1 refused" in done
    assert "HB-2 Refused Still to do: Removed from management, Wiped" in done
    assert owners(session, stock) == [OwnerKind.FAMILY, OwnerKind.FAMILY, OwnerKind.SCHEME]
    csv = client.get(f"{batch_url}/outcomes.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0] == "device_id,serial_number,outcome,detail,missing_steps"
    assert lines[1].startswith(f"{stock[2].id},HB-2,refused,")
    assert "management-removed; wiped; filtering-signed-off; family-accepted" in lines[1]
    again = text_of(client.get("/handovers").text)
    assert "0 of 1 devices with a family are ready" in again and "2 handed over, 1 refused" in again


def test_a_handover_without_devices_or_a_date_says_what_to_fix(
    client, session, teacher, stock, monkeypatch
):
    sent = queued(monkeypatch)
    token = sign_in_pages(client, session, teacher)
    nothing = client.post("/handovers", data={"csrf_token": token, "on-day": "1"})
    assert nothing.status_code == 400
    shown = text_of(nothing.text)
    assert "Choose at least one device to hand over" in shown
    assert "The handover date must include a month and year" in shown
    assert sent == [] and session.exec(select(HandoverBatch)).all() == []


def test_devices_of_another_council_are_refused_before_anything_is_saved(
    client, session, staff, stock, monkeypatch
):
    sent = queued(monkeypatch)
    elsewhere = with_family(session, make_school(session, council=make_council(session)), "X-1")
    answer = client.post(
        "/api/handover-batches",
        headers=staff,
        json={"device_ids": [stock[0].id, elsewhere.id], "on": str(ON)},
    )
    assert answer.status_code == 422
    assert f"No device with id {elsewhere.id}" in answer.json()["detail"]
    assert sent == [] and session.exec(select(HandoverBatch)).all() == []


def test_the_api_asks_for_a_batch_and_reads_its_outcomes(
    client, session, staff, stock, monkeypatch
):
    sent = queued(monkeypatch)
    ids = [device.id for device in stock]
    asked = client.post(
        "/api/handover-batches", headers=staff, json={"device_ids": ids, "on": str(ON)}
    )
    assert asked.status_code == 202
    body = asked.json()
    assert (body["status"], body["total"], body["waiting"]) == ("queued", 3, 3)
    handover_batches.run(session, batch_id=sent[0])
    read = client.get(f"/api/handover-batches/{body['id']}", headers=staff).json()
    assert (read["status"], read["handed_over"], read["refused"], read["waiting"]) == (
        "finished",
        2,
        1,
        0,
    )
    refused = read["devices"][0]
    assert (refused["serial_number"], refused["outcome"]) == ("HB-2", "refused")
    assert refused["missing"] == [
        "management-removed",
        "wiped",
        "filtering-signed-off",
        "family-accepted",
    ]
    other = bearer(
        session,
        make_user(
            session,
            organisation=make_school(session, council=make_council(session)),
            role=Role.SCHOOL_STAFF,
        ),
    )
    assert client.get(f"/api/handover-batches/{body['id']}", headers=other).status_code == 404


def test_a_batch_the_broker_cannot_take_is_not_saved(client, session, staff, stock, monkeypatch):
    def broker_down(_batch_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr("devices.tasks.run_handover_batch.delay", broker_down)
    answer = client.post(
        "/api/handover-batches", headers=staff, json={"device_ids": [stock[0].id], "on": str(ON)}
    )
    assert answer.status_code == 503 and "nothing was saved" in answer.json()["detail"]
    assert session.exec(select(HandoverBatch)).all() == []


def test_a_batch_cut_off_midway_carries_on_where_it_stopped_and_does_nothing_twice(
    session, teacher, stock, monkeypatch
):
    caller = Caller.for_user(teacher, session.get(Organisation, teacher.organisation_id))
    batch = handover_batches.start(session, caller=caller, device_ids=[d.id for d in stock], on=ON)
    session.commit()
    # The first worker handed over the first device and died before the rest.
    first = session.get(HandoverBatchDevice, (batch.id, stock[0].id))
    handover_batches.hand_over_one(session, caller=caller, device_id=stock[0].id, on=ON)
    first.outcome, first.detail = BatchOutcome.HANDED_OVER, "Handed over"
    batch.status, batch.runs = BatchStatus.RUNNING, 1
    batch.heartbeat_at = utcnow() - timedelta(minutes=5)
    session.add_all([first, batch])
    session.commit()
    assert handover_batches.to_send_again(session, now=utcnow()) == [batch.id]
    handover_batches.run(session, batch_id=batch.id)
    session.expire_all()
    batch = session.get(HandoverBatch, batch.id)
    assert (batch.status, batch.runs, batch.handed_over, batch.refused) == (
        BatchStatus.FINISHED,
        2,
        2,
        1,
    )
    transfers = session.exec(select(OwnershipTransfer.device_id)).all()
    assert sorted(transfers) == sorted([stock[0].id, stock[1].id])  # each once
    assert handover_batches.to_send_again(session, now=utcnow()) == []


@pytest.mark.worker
def test_the_worker_hands_over_a_schools_stock_and_the_page_shows_it(
    client, session, teacher, school, stock, tmp_path
):
    token = sign_in_pages(client, session, teacher)
    more = [with_family(session, school, f"HB-W{n}") for n in range(20)]
    worker = _dfc(
        "worker", "--queues", "imports", "--concurrency", "1", env=dict(os.environ),
        log=tmp_path / "worker.log",
    )  # fmt: skip
    try:
        batch_url = ask_on_the_page(client, token, [*stock, *more])
        deadline = time.monotonic() + 90
        while "Finished" not in (page := client.get(batch_url).text):
            assert time.monotonic() < deadline, text_of(page)
            time.sleep(0.5)
        assert "2 of 23 handed over to their families; 21 refused" in text_of(page)
    except BaseException:
        _show_logs(tmp_path)
        raise
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
