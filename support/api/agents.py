"""The agents' queue and ticket actions, scoped to the caller's organisation."""

from typing import Annotated

from fastapi import APIRouter, Query, status
from sqlmodel import Session, select

from accounts.deps import ApiCaller, SessionDep
from devices.service.families import get_family
from dfc.audit.seen import SeenAt
from dfc.listing import Page
from dfc.paging import PagingDep, listing
from support import desk
from support.media.models import AttachmentStatus
from support.media.reading import by_message as files_by_message
from support.models import (
    AgentLanguage,
    Author,
    Category,
    Team,
    Ticket,
    TicketMessage,
    TicketStatus,
    Via,
)
from support.schemas import (
    AssignRequest,
    AttachmentPublic,
    MergeRequest,
    MessagePublic,
    ReplyRequest,
    StaffTicketRequest,
    StatusRequest,
    TicketPublic,
    TicketWithThread,
)
from support.tickets import open_ticket
from support.translation.service import fill_english

router = APIRouter(prefix="/api/tickets", tags=["support: agents"])
CSV_COLUMNS = (
    "id",
    "reference",
    "status",
    "priority",
    "category",
    "language",
    "team",
    "created_at",
    "first_response_due",
    "resolution_due",
)


@router.get("", response_model=Page[TicketPublic])
def queue(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    status: TicketStatus | None = None,
    language: Annotated[str | None, Query(max_length=8)] = None,
    category: Category | None = None,
    team: Team | None = None,
    my_languages: Annotated[bool, Query(description="only languages I speak")] = False,
):
    """The queue, by default the most urgent first."""
    desk._require_desk(caller)
    statement = desk.visible_tickets(
        caller, status=status, language=language, category=category, team=team
    )
    if my_languages:
        spoken = select(AgentLanguage.language).where(AgentLanguage.user_id == caller.user_id)
        statement = statement.where(Ticket.language.in_(spoken))
    return listing(
        session,
        statement,
        paging,
        sortable=desk.SORTABLE,
        default_sort="first_response_due",
        columns=CSV_COLUMNS,
        filename="tickets.csv",
    )


@router.post("", status_code=status.HTTP_201_CREATED)
def raise_for_family(
    body: StaffTicketRequest, session: SessionDep, caller: ApiCaller
) -> TicketPublic:
    """School staff raise a ticket for one of their families."""
    desk._require_desk(caller)
    family = get_family(session, caller=caller, family_id=body.family_id)
    opened = open_ticket(
        session,
        text=body.message,
        via=Via.STAFF,
        category=body.category,
        phone=family.phone_number,
        serial_number=body.serial_number,
        language=family.preferred_language,
        requester=Author.STAFF,
        organisation_id=family.school_id,
    )
    session.commit()
    return TicketPublic.model_validate(opened.ticket)


def _with_files(
    session: Session, ticket_id: int, messages: list[TicketMessage]
) -> list[MessagePublic]:
    """Each message with the photos and files that came with it, and where to fetch them."""
    files = files_by_message(session, (message.id for message in messages))
    shown = []
    for message in messages:
        public = MessagePublic.model_validate(message)
        public.files = len(files.get(message.id, []))
        public.attachments = [
            AttachmentPublic(
                id=file.id,
                content_type=file.content_type,
                size=file.size,
                status=file.status.value,
                reason=file.reason,
                url=f"/api/tickets/{ticket_id}/files/{file.id}"
                if file.status is AttachmentStatus.STORED
                else None,
            )
            for file in files.get(message.id, [])
        ]
        shown.append(public)
    return shown


@router.get("/{ticket_id}")
def read_ticket(
    seen: SeenAt, ticket_id: int, session: SessionDep, caller: ApiCaller
) -> TicketWithThread:
    """The ticket and its whole thread; the read is recorded in the access audit. A family's
    text in another language has its English beside it (translated_text) when a translation
    service is set; `untranslated` says why not when the service failed."""
    ticket, messages = desk.show_ticket(session, caller=caller, ticket_id=ticket_id, seen=seen)
    untranslated = fill_english(session, ticket, messages)
    session.commit()
    return TicketWithThread(
        **TicketPublic.model_validate(ticket).model_dump(),
        messages=_with_files(session, ticket.id, messages),
        untranslated=untranslated,
    )


@router.post(
    "/{ticket_id}/replies",
    status_code=status.HTTP_201_CREATED,
    responses={
        status.HTTP_503_SERVICE_UNAVAILABLE: {
            "description": "The translation service failed: nothing was sent or kept; try "
            "again, or send it as written"
        }
    },
)
def reply(
    ticket_id: int, body: ReplyRequest, session: SessionDep, caller: ApiCaller
) -> MessagePublic:
    """A reply to the family, or an internal note. Free text to a family that reads another
    language is machine translated and the translation sent, the English kept beside it;
    with no translation service it is refused (422) unless `send_as_written` is true."""
    message = desk.reply(
        session,
        caller=caller,
        ticket_id=ticket_id,
        text=body.text,
        canned=body.canned,
        internal=body.internal,
        send_as_written=body.send_as_written,
    )
    session.commit()
    return MessagePublic.model_validate(message)


@router.post("/{ticket_id}/status")
def change_status(
    ticket_id: int, body: StatusRequest, session: SessionDep, caller: ApiCaller
) -> TicketPublic:
    ticket = desk.change_status(session, caller=caller, ticket_id=ticket_id, status=body.status)
    session.commit()
    return TicketPublic.model_validate(ticket)


@router.post("/{ticket_id}/assign")
def assign(
    ticket_id: int, body: AssignRequest, session: SessionDep, caller: ApiCaller
) -> TicketPublic:
    ticket = desk.assign(
        session, caller=caller, ticket_id=ticket_id, agent_id=body.agent_id, team=body.team
    )
    session.commit()
    return TicketPublic.model_validate(ticket)


@router.post("/{ticket_id}/merge")
def merge(
    ticket_id: int, body: MergeRequest, session: SessionDep, caller: ApiCaller
) -> TicketPublic:
    """Merges this duplicate into another ticket; answers with the ticket kept."""
    keeper = desk.merge(session, caller=caller, ticket_id=ticket_id, into_id=body.into_ticket_id)
    session.commit()
    return TicketPublic.model_validate(keeper)
