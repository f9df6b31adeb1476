"""Photos and files of an incident: checked like a ticket's media (a photo or PDF by its
bytes, no larger than MEDIA_MAX_BYTES), kept in the same store under a random key, and
served only to staff whose organisation reaches the incident (another's: 404)."""

from collections import defaultdict
from collections.abc import Iterable

from sqlmodel import Session, select

from devices.models import IncidentFile
from devices.service.access import actor, require_writer
from devices.service.incidents import get_incident
from dfc.audit.models import SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.errors import InvalidInput, NotFound
from dfc.file_store import StoreError, media_store, new_key
from dfc.media_checks import Refusal, check, thumbnail
from dfc.settings import get_settings
from dfc.web.stored_files import EXTENSIONS, StoredFile

PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
MOST_FILES = 20


def add_file(
    session: Session, *, caller: Caller, incident_id: int, data: bytes, declared_type: str | None
) -> IncidentFile:
    """Checks and stores the file (and a thumbnail of a photo) on the incident; a refusal
    says what we accept, and nothing is kept."""
    require_writer(caller)
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    if not data:
        raise InvalidInput("Choose a photo or PDF to upload: the file is empty", field="file")
    held = session.exec(select(IncidentFile.id).where(IncidentFile.incident_id == incident.id))
    if len(held.all()) >= MOST_FILES:
        raise InvalidInput(f"An incident holds at most {MOST_FILES} files", field="file")
    result = check(data, declared_type, most=get_settings().MEDIA_MAX_BYTES)
    if isinstance(result, Refusal):
        raise InvalidInput(f"The file was not added: {result.reason}", field="file")
    key, small = new_key(), thumbnail(data) if result in PHOTO_TYPES else None
    store = media_store()
    try:
        store.put(key, data, result)
        if small is not None:
            store.put(f"{key}-thumb", small, "image/jpeg")
    except (StoreError, OSError):
        raise InvalidInput(
            "The file could not be stored just now; try again in a few minutes", field="file"
        ) from None
    stored = IncidentFile(
        incident_id=incident.id,
        content_type=result,
        size=len(data),
        storage_key=key,
        thumbnail=small is not None,
        uploaded_by=actor(caller),
    )
    session.add(stored)
    session.flush()
    return stored


def files_of(session: Session, incident_ids: Iterable[int]) -> dict[int, list[IncidentFile]]:
    """Each incident's stored files, oldest first, in one query."""
    ids = list(incident_ids)
    found: dict[int, list[IncidentFile]] = defaultdict(list)
    if not ids:
        return found
    statement = (
        select(IncidentFile)
        .where(IncidentFile.incident_id.in_(ids), IncidentFile.storage_key.is_not(None))
        .order_by(IncidentFile.id)
    )
    for stored in session.exec(statement):
        found[stored.incident_id].append(stored)
    return found


def open_file(
    session: Session,
    *,
    caller: Caller,
    incident_id: int,
    file_id: int,
    seen: Where,
    thumbnail: bool = False,
) -> StoredFile:
    """A file of an incident the caller reaches; opening it (not its thumbnail) is recorded
    as a read of the family's data."""
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    stored = session.exec(
        select(IncidentFile).where(
            IncidentFile.id == file_id, IncidentFile.incident_id == incident.id
        )
    ).one_or_none()
    if stored is None or stored.storage_key is None or (thumbnail and not stored.thumbnail):
        raise NotFound(f"No file {file_id} on incident {incident_id}")
    key = f"{stored.storage_key}-thumb" if thumbnail else stored.storage_key
    try:
        data = media_store().get(key)
    except (FileNotFoundError, KeyError):
        raise NotFound(f"File {file_id} is no longer stored") from None
    if not thumbnail and incident.family_id is not None:
        record_shown(
            session, caller, seen, subject_type=SubjectType.FAMILY, subjects=[incident.family_id]
        )
    content_type = "image/jpeg" if thumbnail else stored.content_type
    return StoredFile(
        data=data,
        content_type=content_type,
        filename=f"incident-{incident.id}-{stored.id}{'-thumbnail' if thumbnail else ''}."
        f"{EXTENSIONS.get(content_type, 'bin')}",
        inline=content_type.startswith("image/"),
    )
