"""The agents' side: the queue, replies (canned, in the family's language, or free text),
internal notes, assignment, status changes and merging duplicates."""

from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation, OrganisationKind, Role, User
from accounts.scoping import scoped
from dfc.audit.models import SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound
from notifications.models import Channel
from notifications.outbox import Recipient, enqueue
from support.media.models import TicketAttachment
from support.messages import CANNED
from support.models import (
    Author,
    Category,
    Team,
    Ticket,
    TicketMessage,
    TicketStatus,
    Via,
)
from support.references import display, normalise
from support.tickets import TEXT_VIA
from support.translation.service import family_text, reply_translation

DESK_ROLES = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER, Role.SCHOOL_STAFF, Role.SUPPORT_AGENT)
# School staff read their families' tickets (and raise them); these roles work them.
WORKING_ROLES = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER, Role.SUPPORT_AGENT)
SORTABLE = {
    "id": Ticket.id,
    "created_at": Ticket.created_at,
    "first_response_due": Ticket.first_response_due,
    "resolution_due": Ticket.resolution_due,
    "status": Ticket.status,
}
NEXT_STATUS = {
    TicketStatus.NEW: {
        TicketStatus.OPEN,
        TicketStatus.WAITING_ON_FAMILY,
        TicketStatus.RESOLVED,
        TicketStatus.CLOSED,
    },
    TicketStatus.OPEN: {TicketStatus.WAITING_ON_FAMILY, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.WAITING_ON_FAMILY: {TicketStatus.OPEN, TicketStatus.RESOLVED, TicketStatus.CLOSED},
    TicketStatus.RESOLVED: {TicketStatus.OPEN, TicketStatus.CLOSED},
    TicketStatus.CLOSED: {TicketStatus.OPEN},
}


def _require_desk(caller: Caller) -> None:
    if not caller.has_role(*DESK_ROLES):
        raise Forbidden("Only staff work tickets")


def can_work(caller: Caller) -> bool:
    """Whether the caller may reply, note, assign, change status and merge."""
    return caller.has_role(*WORKING_ROLES)


def _require_worker(caller: Caller) -> None:
    if not can_work(caller):
        raise Forbidden(
            "School staff can read their families' tickets; support agents and council "
            "officers reply to them and change them"
        )


def visible_tickets(
    caller: Caller,
    *,
    status: TicketStatus | None = None,
    language: str | None = None,
    category: Category | None = None,
    team: Team | None = None,
) -> SelectOfScalar[Ticket]:
    statement = scoped(select(Ticket), caller, Ticket.organisation_id).where(
        Ticket.merged_into_id.is_(None)
    )
    for column, value in (
        (Ticket.status, status),
        (Ticket.language, language),
        (Ticket.category, category),
        (Ticket.team, team),
    ):
        if value is not None:
            statement = statement.where(column == value)
    return statement


def get_ticket(session: Session, *, caller: Caller, ticket_id: int) -> Ticket:
    ticket = session.exec(
        scoped(select(Ticket), caller, Ticket.organisation_id).where(Ticket.id == ticket_id)
    ).one_or_none()
    if ticket is None:
        raise NotFound(f"No ticket with id {ticket_id}")
    return ticket


def show_ticket(
    session: Session, *, caller: Caller, ticket_id: int, seen: Where
) -> tuple[Ticket, list[TicketMessage]]:
    """A ticket and its whole thread, internal notes too, for the desk: the read is recorded
    in the access audit."""
    _require_desk(caller)
    ticket = get_ticket(session, caller=caller, ticket_id=ticket_id)
    messages = thread(session, ticket, include_internal=True)
    record_shown(session, caller, seen, subject_type=SubjectType.TICKET, subjects=[ticket.id])
    return ticket, messages


def get_ticket_by_reference(
    session: Session, *, caller: Caller, reference: str, field: str = "reference"
) -> Ticket:
    """A ticket the caller reaches, by the reference a family or colleague reads out."""
    ticket = session.exec(
        scoped(select(Ticket), caller, Ticket.organisation_id).where(
            Ticket.reference == normalise(reference)
        )
    ).one_or_none()
    if ticket is None:
        raise NotFound(f"No ticket with reference {reference}", field=field)
    return ticket


def _assignable(caller: Caller, ticket: Ticket) -> SelectOfScalar[User]:
    """Active staff who work tickets and can see this one: the caller's reach, narrowed to
    the ticket's own organisation, its council or trust, and the national scheme."""
    ticket_org = select(Organisation).where(Organisation.id == ticket.organisation_id).subquery()
    above = select(ticket_org.c.council_id).union(select(ticket_org.c.trust_id))
    home = aliased(Organisation)  # apart from the Organisation that scoping's subquery reads
    return (
        scoped(select(User), caller, User.organisation_id)
        .join(home, home.id == User.organisation_id)
        .where(
            User.is_active.is_(True),
            User.role.in_(WORKING_ROLES),
            or_(
                home.id == ticket.organisation_id,
                home.id.in_(above),
                home.kind == OrganisationKind.SCHEME,
            ),
        )
    )


def assignable_staff(session: Session, *, caller: Caller, ticket: Ticket) -> list[User]:
    """Whom the ticket can be given to, by name, for the page's list."""
    statement = _assignable(caller, ticket).order_by(User.full_name, User.id)
    return list(session.exec(statement))


def staff_names(session: Session, user_ids: set[int | None]) -> dict[int, str]:
    """Names of the staff who wrote on or hold a ticket, in one query."""
    wanted = {user_id for user_id in user_ids if user_id is not None}
    if not wanted:
        return {}
    return dict(session.exec(select(User.id, User.full_name).where(User.id.in_(wanted))).all())


def thread(session: Session, ticket: Ticket, *, include_internal: bool) -> list[TicketMessage]:
    statement = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id)
    if not include_internal:
        statement = statement.where(TicketMessage.internal.is_(False))
    return list(session.exec(statement.order_by(TicketMessage.id)))


def _tell_family(
    session: Session, ticket: Ticket, template: str, context: dict, key: str, now: datetime
) -> None:
    if not ticket.phone_number:
        return
    channel = TEXT_VIA.get(ticket.via, Channel.SMS)
    enqueue(
        session,
        key=key,
        template=template,
        now=now,
        recipient=Recipient(channel, ticket.phone_number, ticket.language, ticket.organisation_id),
        context={"reference": display(ticket.reference), **context},
    )


def reply(
    session: Session,
    *,
    caller: Caller,
    ticket_id: int,
    text: str | None = None,
    canned: str | None = None,
    internal: bool = False,
    send_as_written: bool = False,
    now: datetime | None = None,
) -> TicketMessage:
    """A reply goes to the family in their language (a canned one from the catalogue, free
    text machine translated unless `send_as_written`: support.translation); an internal
    note stays on the ticket, untranslated."""
    _require_worker(caller)
    now = now or utcnow()
    ticket = get_ticket(session, caller=caller, ticket_id=ticket_id)
    if bool(text) == bool(canned):
        raise InvalidInput("Give either text or canned, not both or neither", field="text")
    if canned and canned not in CANNED:
        raise InvalidInput(
            f"No canned reply {canned!r}; there are: {', '.join(CANNED)}", field="canned"
        )
    if canned and internal:
        raise InvalidInput("A canned reply is for the family, not a note", field="internal")
    body = text or ""
    translation: dict[str, object] = {}
    if canned:
        from notifications.templates import render

        body = render(f"canned-{canned}", language=ticket.language, context={})[1]
    elif not internal:  # before anything is written: a failure sends and keeps nothing
        translation = reply_translation(ticket, body, send_as_written=send_as_written, now=now)
    message = TicketMessage(
        ticket_id=ticket.id,
        author=Author.AGENT,
        author_user_id=caller.user_id,
        body=body,
        internal=internal,
        via=Via.STAFF,
        created_at=now,
        **translation,
    )
    session.add(message)
    session.flush()
    if not internal:
        if ticket.first_responded_at is None:
            ticket.first_responded_at = now
        if ticket.status in (TicketStatus.NEW, TicketStatus.OPEN):
            ticket.status = TicketStatus.WAITING_ON_FAMILY
        template = f"canned-{canned}" if canned else "ticket-reply"
        _tell_family(
            session,
            ticket,
            template,
            {"text": family_text(message)},
            key=f"ticket-reply:{ticket.reference}:{message.id}",
            now=now,
        )
    ticket.updated_at = now
    session.add(ticket)
    session.flush()
    return message


def change_status(
    session: Session,
    *,
    caller: Caller,
    ticket_id: int,
    status: TicketStatus,
    now: datetime | None = None,
) -> Ticket:
    _require_worker(caller)
    now = now or utcnow()
    ticket = get_ticket(session, caller=caller, ticket_id=ticket_id)
    if status not in NEXT_STATUS[ticket.status]:
        raise Conflict(f"A {ticket.status.value} ticket cannot become {status.value}")
    ticket.status, ticket.updated_at = status, now
    if status is TicketStatus.RESOLVED:
        ticket.resolved_at = now
        _tell_family(
            session,
            ticket,
            "ticket-resolved",
            {},
            key=f"ticket-resolved:{ticket.reference}:{now.isoformat()}",
            now=now,
        )
    session.add(ticket)
    session.flush()
    return ticket


def assign(
    session: Session,
    *,
    caller: Caller,
    ticket_id: int,
    agent_id: int | None,
    team: Team | None = None,
) -> Ticket:
    _require_worker(caller)
    ticket = get_ticket(session, caller=caller, ticket_id=ticket_id)
    if agent_id is not None:
        agent = session.exec(_assignable(caller, ticket).where(User.id == agent_id)).one_or_none()
        if agent is None:
            raise InvalidInput(
                f"No member of staff with id {agent_id} can work this ticket", field="agent_id"
            )
    ticket.agent_id = agent_id
    if team is not None:
        ticket.team = team
    ticket.updated_at = utcnow()
    session.add(ticket)
    session.flush()
    return ticket


def merge(session: Session, *, caller: Caller, ticket_id: int, into_id: int) -> Ticket:
    """A duplicate joins the ticket it repeats: its messages move, it closes."""
    _require_worker(caller)
    duplicate = get_ticket(session, caller=caller, ticket_id=ticket_id)
    keeper = get_ticket(session, caller=caller, ticket_id=into_id)
    if duplicate.id == keeper.id or keeper.merged_into_id is not None:
        raise Conflict("A ticket can only be merged into another ticket that is not merged")
    for message in thread(session, duplicate, include_internal=True):
        message.ticket_id = keeper.id
        session.add(message)
    session.execute(  # the photos and files go with their messages
        update(TicketAttachment)
        .where(TicketAttachment.ticket_id == duplicate.id)
        .values(ticket_id=keeper.id)
    )
    duplicate.merged_into_id, duplicate.status = keeper.id, TicketStatus.CLOSED
    session.add(duplicate)
    session.flush()
    return keeper
