"""A family's photo or file, and its thumbnail, for staff who may read the ticket. Served
with its checked type, never sniffed, and not cached, since it is personal data."""

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from accounts.deps import SessionDep
from dfc.audit.seen import Where
from support.media.reading import file_response, open_file
from support.pages.desk_common import TicketReader

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/tickets/{ticket_id}/files/{attachment_id}")
def ticket_file(
    ticket_id: Id, attachment_id: Id, request: Request, session: SessionDep, caller: TicketReader
) -> Response:
    return file_response(
        open_file(
            session,
            caller=caller,
            ticket_id=ticket_id,
            attachment_id=attachment_id,
            seen=Where.of(request),
        )
    )


@router.get("/tickets/{ticket_id}/files/{attachment_id}/thumbnail")
def ticket_file_thumbnail(
    ticket_id: Id, attachment_id: Id, request: Request, session: SessionDep, caller: TicketReader
) -> Response:
    return file_response(
        open_file(
            session,
            caller=caller,
            ticket_id=ticket_id,
            attachment_id=attachment_id,
            seen=Where.of(request),
            thumbnail=True,
        )
    )
