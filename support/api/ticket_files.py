"""A family's photo or file on a ticket, by API: the same scope, checks and access audit as
the ticket page's link (support.media.reading)."""

from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import Response

from accounts.deps import ApiCaller, SessionDep
from dfc.audit.seen import SeenAt
from dfc.web.stored_files import file_response
from support.media.reading import open_file

router = APIRouter(prefix="/api/tickets", tags=["support: agents"])
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get(
    "/{ticket_id}/files/{attachment_id}",
    response_class=Response,
    responses={200: {"description": "The file, as the family sent it (a photo or a PDF)"}},
)
def read_ticket_file(
    seen: SeenAt, ticket_id: Id, attachment_id: Id, session: SessionDep, caller: ApiCaller
) -> Response:
    """A stored photo or file of a ticket you can read; recorded in the access audit."""
    return file_response(
        open_file(
            session, caller=caller, ticket_id=ticket_id, attachment_id=attachment_id, seen=seen
        )
    )
