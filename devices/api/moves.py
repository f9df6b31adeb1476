"""Moves of families between schools and councils, and schools' conversions."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, UploadFile, status
from fastapi.responses import Response

from accounts.deps import ApiCaller, SessionDep
from accounts.school_links import SORTABLE as LINK_SORTABLE
from accounts.school_links import LinkKind, link_schools, visible_links
from accounts.school_links_import import import_school_links
from devices.models import ConversionStatus, MoveKind, MoveStatus
from devices.move_schemas import (
    ConversionPublic,
    LinkCreate,
    LinkPublic,
    MoveCreate,
    MoveDecision,
    MovePublic,
)
from devices.service import conversions, moves
from devices.service.access import actor
from devices.tasks_moves import queue_conversion
from dfc.audit.seen import SeenAt
from dfc.csv_import import CSV_FORMATS
from dfc.errors import Forbidden
from dfc.listing import Page
from dfc.paging import PagingDep, listing


async def _refuse_shared_keys(caller: ApiCaller) -> None:
    """Moves and conversions are the schools' and councils' own work: a key another
    organisation holds under an information sharing agreement reaches none of it."""
    if caller.data_categories is not None:
        raise Forbidden("A key under an information sharing agreement cannot reach moves")


router = APIRouter(
    prefix="/api", tags=["moves and conversions"], dependencies=[Depends(_refuse_shared_keys)]
)
LINK_COLUMNS = tuple(LinkPublic.model_fields)
CONVERSION_COLUMNS = (
    "id", "link_id", "predecessor_id", "successor_id", "status", "steps_done", "steps_total",
    "error", "queued_at", "started_at", "finished_at",
)  # fmt: skip


def _move(session, caller, seen, move_id: int) -> MovePublic:
    return MovePublic.model_validate(
        moves.show_move(session, caller=caller, move_id=move_id, seen=seen)
    )


@router.post("/families/{family_id}/moves", status_code=status.HTTP_201_CREATED)
def move_family(
    seen: SeenAt, family_id: int, move_in: MoveCreate, session: SessionDep, caller: ApiCaller
) -> MovePublic:
    """Moves the family to the school with that URN: at once within the council (with its
    devices, dongles, SIMs, licences, agreements and tickets); to another council, an offer
    that council accepts or declines."""
    move = moves.move_family(session, caller=caller, family_id=family_id, move_in=move_in)
    session.commit()
    return _move(session, caller, seen, move.id)


@router.get("/moves", response_model=Page[MovePublic])
def list_moves(
    seen: SeenAt,
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    status: MoveStatus | None = None,
    kind: MoveKind | None = None,
    direction: str | None = None,
) -> Page[MovePublic] | Response:
    """Moves from or to the caller's schools; `direction=in` (offers to answer) or `out`."""
    return moves.list_moves(
        session, paging, caller=caller, seen=seen, status=status, kind=kind, direction=direction
    )


@router.get("/moves/{move_id}")
def read_move(seen: SeenAt, move_id: int, session: SessionDep, caller: ApiCaller) -> MovePublic:
    return _move(session, caller, seen, move_id)


@router.post("/moves/{move_id}/accept")
def accept_move(seen: SeenAt, move_id: int, session: SessionDep, caller: ApiCaller) -> MovePublic:
    """The receiving council accepts the offer: the family and what it holds move now."""
    moves.accept_move(session, caller=caller, move_id=move_id)
    session.commit()
    return _move(session, caller, seen, move_id)


@router.post("/moves/{move_id}/decline")
def decline_move(
    seen: SeenAt, move_id: int, decision: MoveDecision, session: SessionDep, caller: ApiCaller
) -> MovePublic:
    """The receiving council declines: nothing moves."""
    moves.decline_move(session, caller=caller, move_id=move_id, reason=decision.reason)
    session.commit()
    return _move(session, caller, seen, move_id)


@router.post("/moves/{move_id}/cancel")
def cancel_move(seen: SeenAt, move_id: int, session: SessionDep, caller: ApiCaller) -> MovePublic:
    """The sending school or council withdraws its offer."""
    moves.cancel_move(session, caller=caller, move_id=move_id)
    session.commit()
    return _move(session, caller, seen, move_id)


@router.post("/schools/{school_id}/links", status_code=status.HTTP_201_CREATED)
def link_successor(
    school_id: int, link_in: LinkCreate, session: SessionDep, caller: ApiCaller
) -> LinkPublic:
    """Records the school's successor (academy conversion, closure or merger), by URN."""
    link = link_schools(
        session,
        caller=caller,
        predecessor_id=school_id,
        successor_urn=link_in.successor_urn,
        kind=link_in.kind,
        linked_on=link_in.linked_on,
        actor=actor(caller),
    )
    session.commit()
    return LinkPublic.model_validate(link)


@router.post("/school-links/import")
def import_links(
    file: Annotated[
        UploadFile,
        File(
            description=f"the schools register's links CSV: URN, LinkURN, LinkType, "
            f"LinkEstablishedDate ({CSV_FORMATS})"
        ),
    ],
    session: SessionDep,
    caller: ApiCaller,
) -> dict[str, int]:
    """Adds the predecessor and successor links of a Get Information About Schools links
    file, for schools the caller manages; any bad row rejects the whole file (422)."""
    summary = import_school_links(
        session, data=file.file.read(), caller=caller, actor=actor(caller)
    )
    session.commit()
    return {"added": summary.added, "already": summary.already, "skipped": summary.skipped}


@router.get("/school-links", response_model=Page[LinkPublic])
def list_links(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, kind: LinkKind | None = None
) -> Page[LinkPublic] | Response:
    """Predecessor and successor links of the caller's schools; the old URN stays here."""
    return listing(
        session,
        visible_links(caller, kind=kind),
        paging,
        sortable=LINK_SORTABLE,
        default_sort="-linked_on",
        columns=LINK_COLUMNS,
        filename="school-links.csv",
    )


@router.post(
    "/school-links/{link_id}/conversion",
    status_code=status.HTTP_202_ACCEPTED,
    responses={503: {"description": "The worker's queue cannot be reached; nothing saved"}},
)
def convert_school(link_id: int, session: SessionDep, caller: ApiCaller) -> ConversionPublic:
    """Queues the job that moves everything the predecessor holds to the successor; follow
    it at /api/school-conversions/{id}."""
    job = queue_conversion(session, caller=caller, link_id=link_id)
    return ConversionPublic.model_validate(job)


@router.get("/school-conversions", response_model=Page[ConversionPublic])
def list_conversions(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    status: ConversionStatus | None = None,
) -> Page[ConversionPublic] | Response:
    return listing(
        session,
        conversions.visible_conversions(caller, status=status),
        paging,
        sortable=conversions.SORTABLE,
        default_sort="-queued_at",
        columns=CONVERSION_COLUMNS,
        filename="school-conversions.csv",
    )


@router.get("/school-conversions/{conversion_id}")
def read_conversion(conversion_id: int, session: SessionDep, caller: ApiCaller) -> ConversionPublic:
    found = conversions.get_conversion(session, caller=caller, conversion_id=conversion_id)
    return ConversionPublic.model_validate(found)
