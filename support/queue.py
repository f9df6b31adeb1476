"""The desk's queue as one set-based query: the filters agents use (status, language,
category, team, assignee, SLA state), with each ticket's SLA state, SLA due time, assignee
and a short excerpt of the family's first message as columns. A page of the queue, or the
CSV of all of it, is one statement however many tickets there are."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from fastapi.responses import StreamingResponse
from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
)
from sqlmodel import Session

from accounts.models import Organisation, User
from dfc.audit.models import SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.db_types import UTCDateTime
from dfc.listing import Page
from dfc.paging import Paging, listing
from notifications.models import SmsOptOut
from support.desk import visible_tickets
from support.models import AgentLanguage, Category, Team, Ticket, TicketMessage, TicketStatus
from support.sla import SLA_TARGETS, SlaState, warning_starts

RUNNING = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING_ON_FAMILY)
EXCERPT_LENGTH = 120


class Assigned(StrEnum):
    ME = "me"
    NOBODY = "nobody"


@dataclass(frozen=True)
class QueueFilters:
    """What the queue shows; `statuses` None means any status."""

    statuses: tuple[TicketStatus, ...] | None = RUNNING
    language: str | None = None
    category: Category | None = None
    team: Team | None = None
    sla: SlaState | None = None
    assigned: Assigned | None = None
    my_languages: bool = False
    council: int | None = None  # a council's own tickets and its schools' (the dashboard's)


# The clock that runs: first response until there is one, then resolution.
SLA_DUE = case(
    (Ticket.first_responded_at.is_(None), Ticket.first_response_due),
    else_=Ticket.resolution_due,
)
ASSIGNEE = (
    select(User.full_name).where(User.id == Ticket.agent_id).correlate(Ticket).scalar_subquery()
)
FIRST_MESSAGE = (
    select(TicketMessage.body)
    .where(TicketMessage.ticket_id == Ticket.id, TicketMessage.internal.is_(False))
    .order_by(TicketMessage.id)
    .limit(1)
    .correlate(Ticket)
    .scalar_subquery()
)
# The family opted out of texts: the agent must call or write, so the queue says so.
TEXTS_OFF = exists().where(SmsOptOut.phone_number == Ticket.phone_number).correlate(Ticket)
SORTABLE: dict[str, Any] = {
    "id": Ticket.id,
    "reference": Ticket.reference,
    "created_at": Ticket.created_at,
    "category": Ticket.category,
    "language": Ticket.language,
    "status": Ticket.status,
    "sla_due": SLA_DUE,
    "assignee": ASSIGNEE,
}
CSV_COLUMNS = (
    "id",
    "reference",
    "created_at",
    "status",
    "priority",
    "category",
    "language",
    "team",
    "assignee",
    "texts_off",
    "sla_state",
    "sla_due",
    "first_response_due",
    "resolution_due",
)


def _used_three_quarters(now: datetime) -> ColumnElement[bool]:
    """Tickets that have used the warning share of their running target's working time:
    per priority and target, made at or before one moment (see `sla.warning_starts`)."""
    conditions = []
    for priority, target in SLA_TARGETS.items():
        for responded, allowed in (
            (Ticket.first_responded_at.is_(None), target.first_response),
            (Ticket.first_responded_at.is_not(None), target.resolution),
        ):
            conditions.append(
                and_(
                    Ticket.priority == priority,
                    responded,
                    Ticket.created_at <= warning_starts(now, allowed),
                )
            )
    return or_(*conditions)


def sla_conditions(now: datetime) -> dict[SlaState, ColumnElement[bool]]:
    """Each SLA state as a filter, by the same rule as `sla.sla_state`. Resolved and closed
    tickets have no running SLA, so they are in none of them."""
    running = Ticket.status.in_(RUNNING)
    due = SLA_DUE
    late = due <= literal(now, UTCDateTime())
    warned = _used_three_quarters(now)
    return {
        SlaState.BREACHED: and_(running, late),
        SlaState.DUE_SOON: and_(running, not_(late), warned),
        SlaState.OK: and_(running, not_(late), not_(warned)),
    }


def sla_state_column(now: datetime) -> ColumnElement[str | None]:
    conditions = sla_conditions(now)
    return case(*((condition, state.value) for state, condition in conditions.items()))


def queue(caller: Caller, filters: QueueFilters, *, now: datetime) -> Select[Any]:
    """The caller's tickets matching `filters`, one row per ticket with its SLA state."""
    base = visible_tickets(
        caller, language=filters.language, category=filters.category, team=filters.team
    )
    statement = (
        select(
            Ticket.id,
            Ticket.reference,
            Ticket.created_at,
            Ticket.status,
            Ticket.priority,
            Ticket.category,
            Ticket.language,
            Ticket.team,
            Ticket.agent_id,
            Ticket.first_response_due,
            Ticket.resolution_due,
            ASSIGNEE.label("assignee"),
            TEXTS_OFF.label("texts_off"),
            SLA_DUE.label("sla_due"),
            sla_state_column(now).label("sla_state"),
            func.substr(FIRST_MESSAGE, 1, EXCERPT_LENGTH + 1).label("excerpt"),
        )
        .select_from(Ticket)
        .where(base.whereclause)
    )
    if filters.statuses is not None:
        statement = statement.where(Ticket.status.in_(filters.statuses))
    if filters.council is not None:
        in_council = select(Organisation.id).where(
            or_(Organisation.id == filters.council, Organisation.council_id == filters.council)
        )
        statement = statement.where(Ticket.organisation_id.in_(in_council))
    if filters.sla is not None:
        statement = statement.where(sla_conditions(now)[filters.sla])
    if filters.assigned is Assigned.ME:
        statement = statement.where(Ticket.agent_id == caller.user_id)
    elif filters.assigned is Assigned.NOBODY:
        statement = statement.where(Ticket.agent_id.is_(None))
    if filters.my_languages:
        spoken = select(AgentLanguage.language).where(AgentLanguage.user_id == caller.user_id)
        statement = statement.where(Ticket.language.in_(spoken))
    return statement


def list_queue(
    session: Session,
    paging: Paging,
    *,
    caller: Caller,
    filters: QueueFilters,
    now: datetime,
    seen: Where,
    default_sort: str,
) -> Page[Any] | StreamingResponse:
    """A page of the queue (or all of it as CSV, which holds no family's words). The page
    shows an excerpt of each family's first message, so its tickets are recorded as read."""
    found = listing(
        session,
        queue(caller, filters, now=now),
        paging,
        sortable=SORTABLE,
        default_sort=default_sort,
        columns=CSV_COLUMNS,
        filename="tickets.csv",
    )
    if isinstance(found, Page):
        record_shown(
            session,
            caller,
            seen,
            subject_type=SubjectType.TICKET,
            subjects=[row.id for row in found.items],
        )
    return found
