"""An incident's personal data: in the family's subject access export, and erased with the
family (what happened and the references blanked, the photo deleted from storage), while the
incident itself stays for the figures."""

import pytest
from sqlmodel import Session, select

from accounts.models import Role
from devices.incident_retention import ERASED_TEXT
from devices.models import Incident, IncidentFile
from dfc.file_store import media_store
from tests.devices.incident_setup import media_store as _store  # noqa: F401 (fixture)
from tests.factories import bearer, make_council, make_school, make_user
from tests.privacy.family_data import make_family_data

ERASE = {"reason": "consent-withdrawn", "case_reference": "DPA-1", "confirm": True}


@pytest.fixture
def places(session: Session):
    council = make_council(session)
    school = make_school(session, council=council)
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    return school, bearer(session, officer)


def test_the_familys_incidents_and_their_photos_are_in_its_subject_access_export(
    client, session: Session, places
):
    school, officer = places
    data = make_family_data(session, school)
    other = make_family_data(session, school)
    export = client.get(f"/api/privacy/subject-access/family/{data.family.id}", headers=officer)
    tables = export.json()["tables"]
    [incident] = tables["device_incident"]
    assert incident["description"].startswith("dropped on the way to school")
    assert incident["crime_reference"] and incident["charge_pence"] == 2500
    assert len(tables["device_incident_file"]) == 1
    theirs = session.exec(select(Incident).where(Incident.family_id == other.family.id)).one()
    assert theirs.description not in export.text


def test_erasing_the_family_blanks_its_incidents_and_deletes_their_photos(
    client, session: Session, places
):
    school, officer = places
    data = make_family_data(session, school)
    incident = session.exec(select(Incident).where(Incident.family_id == data.family.id)).one()
    stored = session.exec(select(IncidentFile).where(IncidentFile.incident_id == incident.id)).one()
    key = stored.storage_key
    assert media_store().get(key)
    erased = client.post(
        f"/api/privacy/subject-access/family/{data.family.id}/erase", json=ERASE, headers=officer
    )
    assert erased.status_code == 201, erased.text
    session.expire_all()
    incident = session.get(Incident, incident.id)
    assert incident.description == ERASED_TEXT
    assert (incident.crime_reference, incident.charge_reason) == (None, None)
    assert incident.kind.value == "damage" and incident.charge_pence == 2500  # the figures stay
    assert session.get(IncidentFile, stored.id).storage_key is None
    with pytest.raises(FileNotFoundError):
        media_store().get(key)
