"""Who may read the outbox and what of it they reach: one query for the outbox page, its
API and its CSV, and resending a failed message, so the page and the API cannot differ."""

from fastapi.responses import StreamingResponse
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.scoping import scoped
from dfc.audit.models import SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_listing
from dfc.caller import Caller, Role
from dfc.db_types import utcnow
from dfc.errors import Conflict, Forbidden, NotFound
from dfc.listing import Page
from dfc.paging import Paging, listing
from notifications.dispatch import send_after_commit
from notifications.models import Channel, MessageStatus, OutboxMessage

OPERATORS = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER, Role.SUPPORT_AGENT)
SORTABLE = {
    "id": OutboxMessage.id,
    "created_at": OutboxMessage.created_at,
    "status": OutboxMessage.status,
    "channel": OutboxMessage.channel,
}
CSV_COLUMNS = (
    "id",
    "created_at",
    "channel",
    "status",
    "template",
    "locale",
    "segments",
    "attempts",
    "error",
    "outbox_only",
)


def require_operator(caller: Caller) -> None:
    if not caller.has_role(*OPERATORS):
        raise Forbidden("Only scheme admins, council officers and support agents see the outbox")


def visible_messages(
    caller: Caller,
    *,
    status: MessageStatus | None = None,
    channel: Channel | None = None,
    organisation_id: int | None = None,
) -> SelectOfScalar[OutboxMessage]:
    """The messages of the organisations the caller reaches, filtered as asked."""
    require_operator(caller)
    statement = scoped(select(OutboxMessage), caller, OutboxMessage.organisation_id)
    for column, value in (
        (OutboxMessage.status, status),
        (OutboxMessage.channel, channel),
        (OutboxMessage.organisation_id, organisation_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    return statement


def list_messages(
    session: Session,
    paging: Paging,
    *,
    caller: Caller,
    seen: Where,
    status: MessageStatus | None = None,
    channel: Channel | None = None,
    organisation_id: int | None = None,
) -> Page[OutboxMessage] | StreamingResponse:
    """A page of the outbox, newest first (or all of it as CSV). Messages carry families'
    numbers and the words sent to them, so the read is recorded in the access audit."""
    statement = visible_messages(
        caller, status=status, channel=channel, organisation_id=organisation_id
    )
    found = listing(
        session,
        statement,
        paging,
        sortable=SORTABLE,
        default_sort="-id",
        columns=CSV_COLUMNS,
        filename="outbox.csv",
    )
    record_listing(session, caller, seen, found, statement, subject_type=SubjectType.OUTBOX_MESSAGE)
    return found


def resend(session: Session, *, caller: Caller, message_id: int) -> OutboxMessage:
    """A failed message tried again from the start, handed to the worker once committed."""
    message = session.exec(
        visible_messages(caller).where(OutboxMessage.id == message_id)
    ).one_or_none()
    if message is None:
        raise NotFound(f"No message with id {message_id}")
    if message.status is not MessageStatus.FAILED:
        raise Conflict(
            f"Message {message_id} is {message.status.value}; only a failed message can be resent"
        )
    now = utcnow()
    message.status, message.attempts, message.error = MessageStatus.PENDING, 0, None
    message.next_attempt_at, message.handed_over_at = now, now
    session.add(message)
    send_after_commit(session, message)
    return message
