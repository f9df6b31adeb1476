"""A family's photo or file, and its thumbnail, for staff who may read the ticket. Served
with its checked type, never sniffed, and not cached, since it is personal data."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response
from sqlmodel import Session

from accounts.deps import SessionDep
from dfc.audit.seen import SeenAt, Where
from dfc.caller import Caller
from dfc.web.stored_files import file_response
from support.media.reading import open_file
from support.pages.desk_common import TicketReader

router = APIRouter(include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@dataclass(frozen=True)
class AskedFile:
    """Which of a ticket's files is asked for, by whom, and on which route."""

    session: Session
    caller: Caller
    ticket_id: int
    attachment_id: int
    seen: Where

    def response(self, *, thumbnail: bool = False) -> Response:
        return file_response(
            open_file(
                self.session,
                caller=self.caller,
                ticket_id=self.ticket_id,
                attachment_id=self.attachment_id,
                seen=self.seen,
                thumbnail=thumbnail,
            )
        )


def _asked_file(
    ticket_id: Id, attachment_id: Id, seen: SeenAt, session: SessionDep, caller: TicketReader
) -> AskedFile:
    return AskedFile(session, caller, ticket_id, attachment_id, seen)


FileAsked = Annotated[AskedFile, Depends(_asked_file)]


@router.get("/tickets/{ticket_id}/files/{attachment_id}")
def ticket_file(asked: FileAsked) -> Response:
    return asked.response()


@router.get("/tickets/{ticket_id}/files/{attachment_id}/thumbnail")
def ticket_file_thumbnail(asked: FileAsked) -> Response:
    return asked.response(thumbnail=True)
