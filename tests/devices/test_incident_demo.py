"""`make run`'s demo shows incidents: a damaged laptop with a warranty claim, a photo and a
loaner out with the family, and a stolen one with a crime reference, disabled in its
manager; the pages show them to the demo's school staff."""

from sqlmodel import select

from accounts.models import User
from devices.models import Allocation, Incident, IncidentKind, WarrantyStatus
from dfc.demo import seed_demo
from tests.factories import sign_in_pages


def test_the_demo_has_a_damaged_laptop_with_a_loaner_and_a_stolen_one(
    client, session, tmp_path, monkeypatch
):
    monkeypatch.setenv("MEDIA_STORAGE", str(tmp_path / "media"))
    from dfc.settings import get_settings

    get_settings.cache_clear()
    seed_demo(session, var_dir=tmp_path)
    session.commit()
    found = {row.kind: row for row in session.exec(select(Incident))}
    damaged, stolen = found[IncidentKind.DAMAGE], found[IncidentKind.THEFT]
    assert damaged.warranty_status is WarrantyStatus.CLAIMED
    assert damaged.loaner_device_id is not None and damaged.loaner_returned_on is None
    with_family = session.exec(
        select(Allocation.device_id).where(
            Allocation.family_id == damaged.family_id, Allocation.returned_on.is_(None)
        )
    ).one()
    assert with_family == damaged.loaner_device_id
    assert stolen.crime_reference and stolen.disabled_in_manager_on is not None
    staff = session.exec(select(User).where(User.email == "staff@demo.example")).one()
    sign_in_pages(client, session, staff)
    listed = client.get("/incidents")
    assert listed.status_code == 200
    assert f'href="/incidents/{damaged.id}"' in listed.text
    page = client.get(f"/incidents/{damaged.id}")
    assert "RMA-DEMO-0001" in page.text and "?thumbnail=true" in page.text
    assert "CR/0412/26" in client.get(f"/incidents/{stolen.id}").text
    get_settings.cache_clear()
