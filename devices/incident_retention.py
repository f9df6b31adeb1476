"""Erasing a family's incidents with its details (family-contact): what happened, the
references and the charge's reasons become blank, and the photos and files are deleted from
storage. The incidents themselves (kind, dates, loaner, charge amount) stay for the figures."""

from sqlalchemy import select, update
from sqlmodel import Session

from devices.models import Incident, IncidentFile
from dfc.file_store import media_store

ERASED_TEXT = "(erased)"
_SYNC = {"synchronize_session": False}


def erase_incidents(session: Session, family_ids: list[int]) -> int:
    """Blanks the families' incidents and deletes their files; returns the incidents
    changed. A file already gone is no error, so a run interrupted halfway repeats itself."""
    theirs = select(Incident.id).where(Incident.family_id.in_(family_ids))
    store = media_store()
    for key in session.execute(
        select(IncidentFile.storage_key).where(
            IncidentFile.incident_id.in_(theirs), IncidentFile.storage_key.is_not(None)
        )
    ).scalars():
        store.delete(key)
        store.delete(f"{key}-thumb")
    session.execute(
        update(IncidentFile)
        .where(IncidentFile.incident_id.in_(theirs))
        .values(storage_key=None, thumbnail=False)
        .execution_options(**_SYNC)
    )
    return session.execute(
        update(Incident)
        .where(Incident.family_id.in_(family_ids), Incident.description != ERASED_TEXT)
        .values(
            description=ERASED_TEXT,
            crime_reference=None,
            insurance_reference=None,
            charge_reason=None,
            waiver_reason=None,
        )
        .execution_options(**_SYNC)
    ).rowcount
