"""Dongles and SIMs through the API: the scheme's 3 GB for six months, uplifts that add an
allowance and never overwrite one, usage readings, and SIMs nearing their allowance."""

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlmodel import Session, func, select

from accounts.models import Organisation, Role
from devices.models import DataAllowance, DataUsage, Dongle, Sim
from dfc.clock import today
from tests.factories import bearer, make_council, make_school, make_user

ICCID, IMEI = "8944110000000000001", "356938035643809"


@pytest.fixture
def school(session: Session) -> Organisation:
    return make_school(session, council=make_council(session))


@pytest.fixture
def staff(session: Session, school: Organisation) -> dict[str, str]:
    return bearer(session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))


def add_dongle(client, headers, school: Organisation, **changes):
    body = {"imei": IMEI, "holder_id": school.id, "received_on": "2026-01-01"} | changes
    return client.post("/api/dongles", json=body, headers=headers)


def add_sim(client, headers, school: Organisation, **changes):
    body = {
        "iccid": ICCID,
        "network_operator": "Three",
        "holder_id": school.id,
        "contract_starts_on": "2026-01-01",
    } | changes
    return client.post("/api/sims", json=body, headers=headers)


def new_sim(client, headers, school: Organisation, **changes) -> dict:
    response = add_sim(client, headers, school, **changes)
    assert response.status_code == 201, response.text
    return response.json()


def allowances(client, headers, sim: dict) -> list[tuple[Decimal, str]]:
    response = client.get(f"/api/sims/{sim['id']}/allowances", headers=headers)
    assert response.status_code == 200, response.text
    return [(Decimal(row["gb_per_month"]), row["effective_from"]) for row in response.json()]


def uplift(client, headers, sim: dict, gb: int, effective_from: str, **changes):
    body = {"gb_per_month": gb, "effective_from": effective_from} | changes
    return client.post(f"/api/sims/{sim['id']}/allowances", json=body, headers=headers)


def read_usage(client, headers, sim: dict, read_on: str, used_mb: int):
    body = {"read_on": read_on, "used_mb": used_mb}
    return client.post(f"/api/sims/{sim['id']}/usage", json=body, headers=headers)


def count(session: Session, model) -> int:
    return session.exec(select(func.count()).select_from(model)).one()


def test_a_sim_gets_3_gb_a_month_and_a_contract_ending_six_months_later(client, school, staff):
    dongle = add_dongle(client, staff, school)
    assert dongle.status_code == 201, dongle.text
    sim = new_sim(client, staff, school, dongle_id=dongle.json()["id"], phone_number="07911 123456")
    assert (sim["contract_starts_on"], sim["contract_ends_on"]) == ("2026-01-01", "2026-06-30")
    assert (sim["dongle_id"], sim["phone_number"]) == (dongle.json()["id"], "+447911123456")
    assert allowances(client, staff, sim) == [(Decimal(3), "2026-01-01")]


def test_an_uplift_adds_an_allowance_and_keeps_the_first_on_record(client, school, staff):
    sim = new_sim(client, staff, school)
    response = uplift(client, staff, sim, 20, "2026-03-01", contract_ends_on="2028-12-31")
    assert response.status_code == 201, response.text
    assert allowances(client, staff, sim) == [
        (Decimal(3), "2026-01-01"),
        (Decimal(20), "2026-03-01"),
    ]
    assert client.get(f"/api/sims/{sim['id']}", headers=staff).json()["contract_ends_on"] == (
        "2028-12-31"
    )


@pytest.mark.parametrize("gb", [2, 3])
def test_an_uplift_must_be_more_than_the_allowance_in_force(client, session, school, staff, gb):
    sim = new_sim(client, staff, school)
    response = uplift(client, staff, sim, gb, "2026-03-01")
    assert (response.status_code, response.json()["field"]) == (422, "gb_per_month")
    assert "more than the 3" in response.json()["detail"]
    assert count(session, DataAllowance) == 1


def test_an_uplift_cannot_shorten_the_contract(client, session, school, staff):
    sim = new_sim(client, staff, school)
    response = uplift(client, staff, sim, 20, "2026-03-01", contract_ends_on="2026-05-31")
    assert (response.status_code, response.json()["field"]) == (422, "contract_ends_on")
    assert allowances(client, staff, sim) == [(Decimal(3), "2026-01-01")]
    assert session.get(Sim, sim["id"]).contract_ends_on.isoformat() == "2026-06-30"


def test_a_duplicate_imei_or_iccid_is_a_conflict_and_saves_nothing_more(
    client, session, school, staff
):
    assert add_dongle(client, staff, school).status_code == 201
    again = add_dongle(client, staff, school, make_model="Huawei E3372")
    assert again.status_code == 409
    assert f"IMEI {IMEI} is already registered" in again.json()["detail"]
    new_sim(client, staff, school)
    again = add_sim(client, staff, school, network_operator="Vodafone")
    assert again.status_code == 409
    assert f"ICCID {ICCID} is already registered" in again.json()["detail"]
    assert [count(session, model) for model in (Dongle, Sim, DataAllowance)] == [1, 1, 1]


def test_a_bad_imei_iccid_or_phone_number_is_named_and_nothing_is_saved(
    client, session, school, staff
):
    dongle = add_dongle(client, staff, school, imei="35693803564380")
    assert dongle.status_code == 422
    assert [problem["field"] for problem in dongle.json()["problems"]] == ["imei"]
    sim = add_sim(client, staff, school, iccid="8944-1100", phone_number="12345")
    assert sim.status_code == 422
    problems = {problem["field"]: problem["message"] for problem in sim.json()["problems"]}
    assert set(problems) == {"iccid", "phone_number"}
    assert "'12345'" in problems["phone_number"]
    assert [count(session, model) for model in (Dongle, Sim, DataAllowance)] == [0, 0, 0]


def test_the_same_day_read_twice_keeps_one_reading_with_the_newer_value(
    client, session, school, staff
):
    sim = new_sim(client, staff, school)
    assert read_usage(client, staff, sim, "2026-02-10", 900).status_code == 201
    corrected = read_usage(client, staff, sim, "2026-02-10", 1200)
    assert corrected.status_code == 201
    assert corrected.json() == {"sim_id": sim["id"], "read_on": "2026-02-10", "used_mb": 1200}
    assert read_usage(client, staff, sim, "2026-02-11", 1300).status_code == 201
    readings = session.exec(
        select(DataUsage.read_on, DataUsage.used_mb).order_by(DataUsage.read_on)
    )
    assert [(on.isoformat(), mb) for on, mb in readings] == [
        ("2026-02-10", 1200),
        ("2026-02-11", 1300),
    ]


def report(client, headers, **params) -> list[int]:
    response = client.get("/api/reports/data-allowance", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [item["sim_id"] for item in response.json()["items"]]


def test_the_data_allowance_report_lists_sims_at_80_percent_of_this_months_allowance(
    client, school, staff
):
    started = (today() - timedelta(days=60)).isoformat()
    nearly_used = new_sim(client, staff, school, contract_starts_on=started)
    half_used = new_sim(client, staff, school, contract_starts_on=started, iccid=ICCID + "2")
    allowance_mb = 3 * 1024
    read_usage(client, staff, nearly_used, today().isoformat(), allowance_mb * 80 // 100 + 1)
    read_usage(client, staff, half_used, today().isoformat(), allowance_mb // 2)
    assert report(client, staff) == [nearly_used["id"]]
    assert report(client, staff, percent=50) == [nearly_used["id"], half_used["id"]]
    [row] = client.get("/api/reports/data-allowance", headers=staff).json()["items"]
    assert (row["used_mb"], Decimal(str(row["gb_per_month"]))) == (2458, Decimal(3))


def test_after_an_uplift_the_same_usage_falls_below_the_threshold(client, school, staff):
    started = (today() - timedelta(days=60)).isoformat()
    sim = new_sim(client, staff, school, contract_starts_on=started)
    read_usage(client, staff, sim, today().isoformat(), 3 * 1024 * 80 // 100 + 1)
    assert report(client, staff) == [sim["id"]]
    this_month = today().replace(day=1).isoformat()
    assert uplift(client, staff, sim, 6, this_month).status_code == 201
    assert report(client, staff) == []
    assert report(client, staff, percent=40) == [sim["id"]]


def test_another_council_cannot_read_or_change_the_sim(client, session, school, staff):
    started = (today() - timedelta(days=60)).isoformat()
    sim = new_sim(client, staff, school, contract_starts_on=started)
    read_usage(client, staff, sim, today().isoformat(), 3000)
    other = make_council(session)
    officer = bearer(session, make_user(session, organisation=other, role=Role.COUNCIL_OFFICER))
    for path in ("", "/allowances"):
        response = client.get(f"/api/sims/{sim['id']}{path}", headers=officer)
        assert response.status_code == 404
        assert response.json()["detail"] == f"No SIM with id {sim['id']}"
    assert read_usage(client, officer, sim, today().isoformat(), 0).status_code == 404
    assert uplift(client, officer, sim, 50, today().isoformat()).status_code == 404
    assert client.get("/api/sims", headers=officer).json()["items"] == []
    assert report(client, officer) == []
    assert session.exec(select(DataUsage.used_mb)).all() == [3000]
    assert allowances(client, staff, sim) == [(Decimal(3), started)]
