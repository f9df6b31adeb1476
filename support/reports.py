"""Ticket load for the council dashboard: tickets by language and by category, and open
tickets by SLA state. Each is one grouped query, scoped to the caller.

The SLA state matches `support.sla.sla_state`, worked out in SQL: a ticket is due soon once
three quarters of its working time is used, that is once its due time is within a quarter
of its target from now. "Now plus that much working time" is the same for every ticket of
a priority, so it is worked out once per priority and compared in the database."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from sqlalchemy import Select, and_, case, false, func, or_, select
from sqlmodel import Session

from accounts.scoping import scoped
from dfc.caller import Caller
from support.models import Ticket, TicketStatus
from support.sla import SLA_TARGETS, SlaState, add_working_time

RUNNING = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING_ON_FAMILY)
WARN_SHARE = 0.75
SLA_STATE_NAMES = {
    SlaState.OK: "On time",
    SlaState.DUE_SOON: "Due soon",
    SlaState.BREACHED: "Breached",
}


@dataclass(frozen=True)
class TicketCount:
    key: str
    name: str
    open: int
    total: int


def _visible(caller: Caller) -> Any:
    return scoped(select(Ticket), caller, Ticket.organisation_id).where(
        Ticket.merged_into_id.is_(None)
    )


def tickets_by(caller: Caller, by: Literal["language", "category"]) -> Select[Any]:
    """(key, open, total) for each language or category with tickets; merged duplicates
    are counted once, in the ticket they joined."""
    column = Ticket.language if by == "language" else Ticket.category
    tickets = _visible(caller).subquery()
    key = tickets.c[column.key]
    still_open = func.sum(case((tickets.c.status.in_(RUNNING), 1), else_=0))
    return select(key.label(by), still_open.label("open"), func.count().label("total")).group_by(
        key
    )


def sla_state_of(now: datetime) -> Any:
    """The SLA state of a running ticket as a SQL expression: breached, due soon or ok."""
    first_pending = Ticket.first_responded_at.is_(None)
    breached = or_(
        and_(first_pending, Ticket.first_response_due <= now), Ticket.resolution_due <= now
    )
    soon = [false()]
    for priority, target in SLA_TARGETS.items():
        first_soon = add_working_time(now, target.first_response * (1 - WARN_SHARE))
        resolution_soon = add_working_time(now, target.resolution * (1 - WARN_SHARE))
        soon.append(
            and_(
                Ticket.priority == priority,
                or_(
                    and_(first_pending, Ticket.first_response_due <= first_soon),
                    Ticket.resolution_due <= resolution_soon,
                ),
            )
        )
    return case(
        (breached, SlaState.BREACHED.value),
        (or_(*soon), SlaState.DUE_SOON.value),
        else_=SlaState.OK.value,
    )


def tickets_by_sla_state(caller: Caller, *, now: datetime) -> Select[Any]:
    """(sla_state, tickets) over tickets still being worked."""
    state = sla_state_of(now).label("sla_state")
    running = _visible(caller).where(Ticket.status.in_(RUNNING)).with_only_columns(state).subquery()
    return select(running.c.sla_state, func.count().label("tickets")).group_by(running.c.sla_state)


def language_name(code: str) -> str:
    """'Polish' for 'pl'; the code itself if Babel does not know it."""
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name("en") or code
    except (ValueError, UnknownLocaleError):
        return code


def category_name(value: str) -> str:
    return value.replace("-", " ").capitalize()


def ticket_counts(
    session: Session, caller: Caller, by: Literal["language", "category"]
) -> list[TicketCount]:
    """Each language or category with tickets, the busiest first."""
    name = language_name if by == "language" else category_name
    rows = session.execute(tickets_by(caller, by)).all()
    counts = [
        TicketCount(str(row[0]), name(str(row[0])), int(row.open), int(row.total)) for row in rows
    ]
    return sorted(counts, key=lambda count: (-count.open, -count.total, count.name))


def sla_counts(session: Session, caller: Caller, *, now: datetime) -> list[tuple[SlaState, int]]:
    """Open tickets in each SLA state, every state listed (worst last)."""
    found = {
        row.sla_state: int(row.tickets)
        for row in session.execute(tickets_by_sla_state(caller, now=now))
    }
    return [(state, found.get(state.value, 0)) for state in SlaState]
