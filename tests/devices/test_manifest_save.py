"""The manifest import's set-based save: every row the file brings written as the register
writes it, across several save batches; problems anywhere in the file found before anything
is written; a failure while saving leaves nothing."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from sqlmodel import Session, select

from accounts.models import Organisation
from devices.imports import jobs, manifest, manifest_save
from devices.models import CoverPeriod, DataAllowance, Device, DeviceEvent, Dongle, Sim
from devices.service.access import actor
from devices.service.events import snapshot
from dfc.caller import Caller
from tests.devices.factories import make_device
from tests.devices.test_imports import as_csv, counts, queued_job

ROWS = 1_200
RECEIVED = date(2026, 1, 31)  # six months on is 31 July, less a day; twelve, 30 January


@pytest.fixture
def small_batches(monkeypatch):
    """Saves 500 rows at a time, so a file of a thousand rows spans several batches."""
    monkeypatch.setattr(manifest_save, "SAVE_ROWS", 500)


def delivery(school, council, rows: int = ROWS) -> list[dict[str, str]]:
    """Laptops (every tenth with a dongle and SIM) for the school and the council, and
    every fiftieth row a router with its SIM and no laptop."""
    out = []
    for n in range(rows):
        row = {"serial_number": f"big {n:04d}", "kind": "laptop", "make": "Dell",
               "model": f"Latitude {n % 3}", "asset_tag": f"AT-{n}", "operating_system": "",
               "holder": school.urn if n % 2 else council.la_code,
               "received_on": RECEIVED.strftime("%d/%m/%Y"), "warranty_ends_on": "",
               "dongle_imei": "", "sim_iccid": "", "network_operator": "", "gb_per_month": "",
               "contract_months": ""}  # fmt: skip
        if n % 10 == 0:
            row |= {"dongle_imei": f"35{n:013d}", "sim_iccid": f"89441{n:014d}",
                    "network_operator": "EE", "gb_per_month": "20", "contract_months": "12",
                    "warranty_ends_on": "2029-01-30"}  # fmt: skip
        if n % 50 == 7:
            row |= {"serial_number": "", "kind": "router", "make": "Huawei", "model": "B535",
                    "asset_tag": "", "dongle_imei": f"35{n:013d}",
                    "sim_iccid": f"89441{n:014d}", "network_operator": "Three"}  # fmt: skip
        out.append(row)
    return out


def caller_for(session: Session, officer) -> Caller:
    return Caller.for_user(officer, session.get_one(Organisation, officer.organisation_id))


def import_rows(session: Session, officer, rows: list[dict[str, str]]):
    summary = manifest.import_manifest(
        session, caller=caller_for(session, officer), data=as_csv(rows), filename="big.csv"
    )
    session.commit()
    return summary


def test_a_manifest_over_several_batches_writes_each_row_as_the_register_does(
    session, school, council, officer, small_batches
):
    rows = delivery(school, council)
    known = make_device(session, holder=school, serial="BIG0601")  # row 603, already ours
    summary = import_rows(session, officer, rows)
    holder_ids = {school.urn: school.id, council.la_code: council.id}
    with_serial = [row for row in rows if row["serial_number"]]
    assert (summary.devices_added, summary.devices_unchanged) == (len(with_serial) - 1, 1)
    assert (summary.dongles_added, summary.sims_added) == (144, 144)

    devices = {d.serial_number: d for d in session.exec(select(Device))}
    assert devices["BIG0601"].id == known.id
    expected = {
        (row["serial_number"].replace(" ", "").upper(), "laptop", "Dell", row["model"],
         row["asset_tag"], None, "in-stock", holder_ids[row["holder"]], "scheme", RECEIVED,
         date(2029, 1, 30) if row["warranty_ends_on"] else None)
        for row in with_serial
    }  # fmt: skip
    found = {
        (d.serial_number, d.kind, d.make, d.model, d.asset_tag, d.operating_system, d.status,
         d.holder_id, d.owner_kind, d.received_on, d.warranty_ends_on)
        for d in devices.values()
        if d.id != known.id
    }  # fmt: skip
    assert found == expected - {next(e for e in expected if e[0] == "BIG0601")}

    by_id = {d.id: d for d in devices.values()}
    periods = session.exec(select(CoverPeriod).where(CoverPeriod.device_id != known.id)).all()
    ends = RECEIVED + relativedelta(months=6) - timedelta(days=1)
    added = sorted(values[0] for values in found)
    assert sorted(by_id[p.device_id].serial_number for p in periods) == added
    assert {(p.provider, p.starts_on, p.ends_on) for p in periods} == {
        ("national-scheme", RECEIVED, ends)
    }
    events = session.exec(select(DeviceEvent)).all()
    assert sorted(by_id[event.device_id].serial_number for event in events) == added
    who = actor(caller_for(session, officer))
    for event in events:
        device = by_id[event.device_id]
        assert (event.action, event.actor, event.before) == ("registered", who, {})
        assert event.after == snapshot(device)

    imeis = {f"35{n:013d}": n for n in range(ROWS) if n % 10 == 0 or n % 50 == 7}
    dongles = {d.imei: d for d in session.exec(select(Dongle))}
    assert set(dongles) == set(imeis)
    for imei, n in imeis.items():
        dongle, paired = dongles[imei], f"BIG{n:04d}" if n % 50 != 7 else None
        assert (dongle.holder_id, dongle.status) == (holder_ids[rows[n]["holder"]], "in-stock")
        assert (by_id[dongle.paired_device_id].serial_number if paired else None) == paired
        assert dongle.make_model == (None if paired else "Huawei B535")
    sims = {s.iccid: s for s in session.exec(select(Sim))}
    allowances = {a.sim_id: a for a in session.exec(select(DataAllowance))}
    for imei, n in imeis.items():
        sim = sims[f"89441{n:014d}"]
        months = 12 if n % 10 == 0 else 6
        assert (sim.dongle_id, sim.holder_id) == (dongles[imei].id, dongles[imei].holder_id)
        ends_on = RECEIVED + relativedelta(months=months) - timedelta(days=1)
        assert (sim.contract_starts_on, sim.contract_ends_on) == (RECEIVED, ends_on)
        allowance = allowances[sim.id]
        gb = Decimal(20) if n % 10 == 0 else Decimal(3)
        assert (allowance.gb_per_month, allowance.effective_from) == (gb, RECEIVED)

    before = counts(session)
    again = import_rows(session, officer, rows)
    assert (again.devices_added, again.devices_unchanged) == (0, len(with_serial))
    assert (again.dongles_unchanged, again.sims_unchanged) == (144, 144)
    assert counts(session) == before


def test_a_repeated_serial_or_imei_far_down_the_file_names_its_row_and_saves_nothing(
    client, session, school, council, officer, headers, small_batches
):
    rows = delivery(school, council, rows=900)
    rows[880]["serial_number"] = "BIG 0003"  # row 882: row 5's serial, written differently
    rows[890]["dongle_imei"] = rows[20]["dongle_imei"]  # row 892: row 22's IMEI
    files = {"file": ("big.csv", as_csv(rows), "text/csv")}
    response = client.post("/api/imports/manifest", files=files, headers=headers)
    assert response.status_code == 422, response.text
    problems = [(p["row"], p["column"], p["message"]) for p in response.json()["problems"]]
    assert problems == [
        (882, "serial_number", "BIG0003 is also on row 5"),
        (892, "dongle_imei", f"{rows[20]['dongle_imei']} is also on row 22"),
    ]
    assert set(counts(session).values()) == {0}


def test_a_failure_while_saving_leaves_nothing_from_the_file(
    engine, session, school, council, officer, small_batches, monkeypatch
):
    rows = delivery(school, council)
    save = manifest.save_manifest

    def another_import_meanwhile(session, **kwargs):
        """Between the check and the save, another import registers row 1,002's laptop."""
        with Session(engine) as other:
            make_device(other, holder=school, serial="BIG1000")
        return save(session, **kwargs)

    monkeypatch.setattr(manifest, "save_manifest", another_import_meanwhile)
    job = queued_job(session, officer, rows)
    jobs.run_job(session, job_id=job.id)
    session.refresh(job)
    assert job.status == "failed"
    assert "Another import added some of these items" in job.problems[0]["message"]
    assert session.exec(select(Device.serial_number)).all() == ["BIG1000"]  # the other's
    left = counts(session)  # nothing of the two batches saved before the failure
    assert (left["Device"], left["CoverPeriod"]) == (1, 1)
    assert [left[name] for name in ("DeviceEvent", "Dongle", "Sim", "DataAllowance")] == [0] * 4
