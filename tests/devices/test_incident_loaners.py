# ruff: noqa: F811 (the fixtures are imported from incident_setup)
"""Loaners beyond the simple swap: a laptop already sent to repair gets a loaner later, the
family's dongle goes back with their own laptop on the swap back, and what cannot be done
is refused with the reason."""

from sqlmodel import Session, select

from devices.models import Allocation, DeviceStatus, Dongle, DongleStatus
from tests.devices.factories import make_allocation, make_device, make_dongle_with_sim
from tests.devices.incident_setup import (  # noqa: F401 (fixtures)
    council,
    family,
    loaner,
    media_store,
    record,
    school,
    staff,
)


def test_a_laptop_already_in_repair_gets_a_loaner_and_its_dongle_comes_back_with_it(
    client, session: Session, school, family, loaner, staff
):
    laptop = make_device(session, holder=school, serial="WITHDONGLE1")
    dongle, _sim = make_dongle_with_sim(session, holder=school, device=laptop)
    dongle.status = DongleStatus.WITH_FAMILY
    session.add(dongle)
    make_allocation(session, device=laptop, family=family, dongle=dongle)
    incident = record(client, staff, laptop, send_to_repair=True).json()
    assert client.get(f"/api/devices/{laptop.id}", headers=staff).json()["status"] == "in-repair"
    lent = client.post(
        f"/api/incidents/{incident['id']}/loaner",
        headers=staff,
        json={"loaner_device_id": loaner.id, "on": "2026-03-04"},
    )
    assert lent.status_code == 200, lent.text
    session.expire_all()
    allocation = session.exec(select(Allocation).where(Allocation.family_id == family.id)).one()
    assert (allocation.device_id, allocation.dongle_id) == (loaner.id, dongle.id)
    back = client.post(
        f"/api/incidents/{incident['id']}/swap-back", headers=staff, json={"on": "2026-03-12"}
    )
    assert back.status_code == 200, back.text
    session.expire_all()
    allocation = session.get(Allocation, allocation.id)
    assert (allocation.device_id, allocation.returned_on) == (laptop.id, None)
    assert session.get(Dongle, dongle.id).paired_device_id == laptop.id
    statuses = {
        d.id: d.status
        for d in (session.get(type(laptop), laptop.id), session.get(type(loaner), loaner.id))
    }
    assert statuses == {laptop.id: DeviceStatus.WITH_FAMILY, loaner.id: DeviceStatus.IN_STOCK}


def test_what_a_loaner_cannot_do_is_refused_with_the_reason(
    client, session: Session, school, family, loaner, staff
):
    laptop = make_device(session, holder=school, serial="REFUSALS1")
    make_allocation(session, device=laptop, family=family)
    incident = record(client, staff, laptop).json()
    no_loaner = client.post(
        f"/api/incidents/{incident['id']}/swap-back", headers=staff, json={"on": "2026-03-05"}
    )
    assert no_loaner.status_code == 409 and "No loaner" in no_loaner.json()["detail"]
    itself = client.post(
        f"/api/incidents/{incident['id']}/loaner",
        headers=staff,
        json={"loaner_device_id": laptop.id, "on": "2026-03-04"},
    )
    assert itself.status_code == 409  # the family's own laptop is not in stock
    early = client.post(
        f"/api/incidents/{incident['id']}/loaner",
        headers=staff,
        json={"loaner_device_id": loaner.id, "on": "2026-03-01"},
    )
    assert early.status_code == 422 and early.json()["field"] == "on"  # before it happened
    client.post(
        f"/api/incidents/{incident['id']}/loaner",
        headers=staff,
        json={"loaner_device_id": loaner.id, "on": "2026-03-04"},
    )
    stolen = client.post(
        f"/api/devices/{laptop.id}/report-stolen", headers=staff, json={"on": "2026-03-06"}
    )
    assert stolen.status_code == 200, stolen.text  # stolen from the repairer
    refused = client.post(
        f"/api/incidents/{incident['id']}/swap-back", headers=staff, json={"on": "2026-03-07"}
    )
    assert refused.status_code == 409
    assert "only when back from repair" in refused.json()["detail"]


def test_a_laptop_put_back_in_stock_from_its_page_can_still_be_swapped_back(
    client, session: Session, school, family, loaner, staff
):
    laptop = make_device(session, holder=school, serial="INSTOCKAGAIN1")
    make_allocation(session, device=laptop, family=family)
    incident = record(client, staff, laptop).json()
    client.post(
        f"/api/incidents/{incident['id']}/loaner",
        headers=staff,
        json={"loaner_device_id": loaner.id, "on": "2026-03-04"},
    )
    repaired = client.post(
        f"/api/devices/{laptop.id}/back-from-repair", headers=staff, json={"on": "2026-03-06"}
    )
    assert repaired.json()["status"] == "in-stock"  # its allocation is the loaner's now
    back = client.post(
        f"/api/incidents/{incident['id']}/swap-back", headers=staff, json={"on": "2026-03-07"}
    )
    assert back.status_code == 200, back.text
    assert client.get(f"/api/devices/{laptop.id}", headers=staff).json()["status"] == "with-family"
    assert client.get(f"/api/devices/{loaner.id}", headers=staff).json()["status"] == "in-stock"
