"""The user a device manager records for a family's device is the family's personal data:
in their subject access export, and erased with their contact details, never another
family's."""

from sqlmodel import select

from devices.models import Allocation, DeviceManagement, Family, ImportKind
from devices.retention import erase_families
from privacy.subject_access import gather
from tests.devices.management_setup import build_register, caller_of, run_export


def test_subject_access_shows_and_erasure_removes_the_managers_user_of_the_familys_device(
    session, engine, school, officer
):
    register = build_register(session, school)
    run_export(session, engine, officer, ImportKind.INTUNE, "intune-devices.csv")
    laptop = register.devices["PF-2ABC11"]
    family_id = session.exec(
        select(Allocation.family_id).where(Allocation.device_id == laptop.id)
    ).one()
    family = session.get(Family, family_id)
    export = gather(session, caller=caller_of(session, officer), family=family)
    rows = export.tables["device_management"]
    assert [(row["device_id"], row["primary_user"]) for row in rows] == [
        (laptop.id, "pupil.0151@oakfield.sch.uk")
    ]
    assert rows[0]["manager"] == "intune"
    other = register.devices["PF-2ABC12"]  # another family's device and user
    erase_families(session, [family_id])
    session.commit()
    session.expire_all()
    users = dict(
        session.exec(select(DeviceManagement.device_id, DeviceManagement.primary_user)).all()
    )
    assert users[laptop.id] is None
    assert users[other.id] == "pupil.0152@oakfield.sch.uk"
