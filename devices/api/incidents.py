"""Incidents by API: damage, loss and theft, their files, loaner, warranty claim, disabling
in the manager, and a council's charge and waiver. Scoped like every register record."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, UploadFile, status
from fastapi.responses import Response
from sqlmodel import Session

from accounts.deps import ApiCaller, SessionDep
from devices.incident_schemas import (
    ChargeCreate,
    ChargeWaiver,
    IncidentCreate,
    IncidentFilePublic,
    IncidentPublic,
    IncidentUpdate,
    LoanerIssue,
    OnDay,
)
from devices.models import Incident, IncidentKind, IncidentStatus, WarrantyStatus
from devices.service import incident_files, incidents, loaners
from dfc.audit.seen import SeenAt
from dfc.listing import Page
from dfc.paging import PagingDep, listing
from dfc.settings import get_settings
from dfc.web.stored_files import file_response

router = APIRouter(prefix="/api/incidents", tags=["incidents"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
CSV_COLUMNS = (
    "id",
    "device_id",
    "holder_id",
    "family_id",
    "kind",
    "status",
    "happened_on",
    "responsible_party",
    "warranty_status",
    "warranty_supplier",
    "loaner_device_id",
    "loaner_issued_on",
    "loaner_returned_on",
    "disabled_in_manager_on",
    "charge_pence",
    "waived_on",
    "closed_on",
)


class IncidentWithFiles(IncidentPublic):
    files: list[IncidentFilePublic] = []


def _shown(session: Session, incident: Incident) -> IncidentWithFiles:
    files = incident_files.files_of(session, [incident.id]).get(incident.id, [])
    return IncidentWithFiles.model_validate(
        {
            **IncidentPublic.model_validate(incident).model_dump(),
            "files": [IncidentFilePublic.model_validate(item) for item in files],
        }
    )


@router.get("", response_model=Page[IncidentPublic])
def list_incidents(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    kind: IncidentKind | None = None,
    status: IncidentStatus | None = None,
    school_id: int | None = None,
    device_id: int | None = None,
    family_id: int | None = None,
    warranty_status: WarrantyStatus | None = None,
    charged: bool | None = None,
    happened_from: date | None = None,
    happened_to: date | None = None,
):
    """Incidents of your organisations; filtered, sorted (`sort=-happened_on`), paged, or
    every row as CSV with `format=csv` (no descriptions or references in the CSV)."""
    filters = incidents.IncidentFilters(
        kind, status, school_id, device_id, family_id, warranty_status, charged,
        happened_from, happened_to,
    )  # fmt: skip
    return listing(
        session,
        incidents.visible_incidents(caller, filters),
        paging,
        sortable=incidents.SORTABLE,
        default_sort="-happened_on",
        columns=CSV_COLUMNS,
        filename="incidents.csv",
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def record_incident(
    incident_in: IncidentCreate, session: SessionDep, caller: ApiCaller
) -> IncidentWithFiles:
    """Records damage, loss or theft; a loss or theft reports the device missing."""
    incident = incidents.record_incident(session, caller=caller, incident_in=incident_in)
    session.commit()
    return _shown(session, incident)


@router.get("/{incident_id}")
def read_incident(incident_id: Id, session: SessionDep, caller: ApiCaller) -> IncidentWithFiles:
    return _shown(session, incidents.get_incident(session, caller=caller, incident_id=incident_id))


@router.patch("/{incident_id}")
def update_incident(
    incident_id: Id, changes: IncidentUpdate, session: SessionDep, caller: ApiCaller
) -> IncidentWithFiles:
    """References, the responsible party and the warranty claim (its status is dated)."""
    incident = incidents.update_incident(
        session, caller=caller, incident_id=incident_id, changes=changes
    )
    session.commit()
    return _shown(session, incident)


@router.post("/{incident_id}/files", status_code=status.HTTP_201_CREATED)
def add_file(
    incident_id: Id,
    session: SessionDep,
    caller: ApiCaller,
    file: Annotated[UploadFile, File(description="a photo (JPEG, PNG, GIF, WebP, HEIC) or PDF")],
) -> IncidentFilePublic:
    """Adds a photo or PDF, checked by its bytes and stored like a ticket's media."""
    data = file.file.read(get_settings().MEDIA_MAX_BYTES + 1)
    stored = incident_files.add_file(
        session,
        caller=caller,
        incident_id=incident_id,
        data=data,
        declared_type=file.content_type,
    )
    session.commit()
    return IncidentFilePublic.model_validate(stored)


@router.get(
    "/{incident_id}/files/{file_id}",
    response_class=Response,
    responses={200: {"description": "The photo or PDF"}},
)
def read_file(
    seen: SeenAt,
    incident_id: Id,
    file_id: Id,
    session: SessionDep,
    caller: ApiCaller,
    thumbnail: Annotated[bool, Query()] = False,
) -> Response:
    """A file of an incident you reach; another organisation's is 404."""
    return file_response(
        incident_files.open_file(
            session,
            caller=caller,
            incident_id=incident_id,
            file_id=file_id,
            seen=seen,
            thumbnail=thumbnail,
        )
    )


@router.post("/{incident_id}/loaner")
def issue_loaner(
    incident_id: Id, body: LoanerIssue, session: SessionDep, caller: ApiCaller
) -> IncidentWithFiles:
    """A loaner to the family while their damaged device is repaired."""
    incident = loaners.issue_loaner(
        session,
        caller=caller,
        incident_id=incident_id,
        loaner_device_id=body.loaner_device_id,
        on=body.on,
    )
    session.commit()
    return _shown(session, incident)


@router.post("/{incident_id}/swap-back")
def swap_back(
    incident_id: Id, body: OnDay, session: SessionDep, caller: ApiCaller
) -> IncidentWithFiles:
    """The repaired device back to the family; the loaner back into stock."""
    incident = loaners.swap_back(session, caller=caller, incident_id=incident_id, on=body.on)
    session.commit()
    return _shown(session, incident)


@router.post("/{incident_id}/disabled-in-manager")
def disabled_in_manager(
    incident_id: Id, body: OnDay, session: SessionDep, caller: ApiCaller
) -> IncidentWithFiles:
    """Records that staff disabled the device in Intune or Google Admin."""
    incident = incidents.disable_in_manager(
        session, caller=caller, incident_id=incident_id, on=body.on
    )
    session.commit()
    return _shown(session, incident)


@router.post("/{incident_id}/charge")
def charge_family(
    incident_id: Id, body: ChargeCreate, session: SessionDep, caller: ApiCaller
) -> IncidentWithFiles:
    """A council officer's charge to the family (there is none by default)."""
    incident = incidents.charge_family(
        session, caller=caller, incident_id=incident_id, charge_in=body
    )
    session.commit()
    return _shown(session, incident)


@router.post("/{incident_id}/charge/waiver")
def waive_charge(
    incident_id: Id, body: ChargeWaiver, session: SessionDep, caller: ApiCaller
) -> IncidentWithFiles:
    """A council officer waives the charge; who waived it is recorded."""
    incident = incidents.waive_charge(
        session, caller=caller, incident_id=incident_id, waiver_in=body
    )
    session.commit()
    return _shown(session, incident)


@router.post("/{incident_id}/close")
def close_incident(
    incident_id: Id, body: OnDay, session: SessionDep, caller: ApiCaller
) -> IncidentWithFiles:
    """Closes the incident (409 while a loaner is still out)."""
    incident = incidents.close_incident(session, caller=caller, incident_id=incident_id, on=body.on)
    session.commit()
    return _shown(session, incident)
