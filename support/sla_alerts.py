"""SLA alerts: tickets about to breach or breaching their response or resolution time raise
an alert through notifications, once per ticket, target and state."""

from datetime import datetime

from sqlalchemy import or_, select
from sqlmodel import Session

from accounts.models import Role, User
from dfc.db_types import utcnow
from notifications.models import AlertRaised, Audience, Channel
from notifications.outbox import Recipient, enqueue
from notifications.templates import Template, register
from support.models import Ticket, TicketStatus
from support.references import display
from support.sla import SlaState, sla_state

register(
    {
        "ticket-sla": Template(
            Audience.STAFF,
            "Ticket %(reference)s (%(category)s, %(language)s) %(state)s its "
            "%(target)s time, due %(due)s. %(url)s",
            translated=False,
            subject="Devices for Children: ticket %(reference)s %(state)s its %(target)s time",
        )
    }
)
STILL_RUNNING = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING_ON_FAMILY)
WORDS = {SlaState.DUE_SOON: "is about to miss", SlaState.BREACHED: "has missed"}


def _recipients(session: Session, ticket: Ticket) -> list[str]:
    if ticket.agent_id is not None:
        agent = session.get(User, ticket.agent_id)
        if agent is not None and agent.is_active:
            return [agent.email]
    return list(
        session.execute(
            select(User.email).where(
                User.organisation_id == ticket.organisation_id,
                User.is_active.is_(True),
                User.role.in_((Role.SUPPORT_AGENT, Role.SCHOOL_STAFF, Role.COUNCIL_OFFICER)),
            )
        ).scalars()
    )


def raise_sla_alerts(session: Session, *, now: datetime | None = None, base_url: str = "") -> int:
    """Queues an email per ticket, target and state the first time each is reached."""
    now = now or utcnow()
    running = session.execute(
        select(Ticket).where(
            Ticket.status.in_(STILL_RUNNING),
            Ticket.merged_into_id.is_(None),
            or_(Ticket.first_responded_at.is_(None), Ticket.resolved_at.is_(None)),
        )
    ).scalars()
    queued = 0
    for ticket in running:
        targets = [("resolution", ticket.resolution_due)]
        if ticket.first_responded_at is None:
            targets.insert(0, ("first response", ticket.first_response_due))
        for target, due in targets:
            state = sla_state(due, now, created_at=ticket.created_at)
            if state is SlaState.OK:
                continue
            key = f"sla:ticket-{ticket.id}:{target}:{state.value}"
            if session.get(AlertRaised, key) is not None:
                continue
            session.add(AlertRaised(key=key, organisation_id=ticket.organisation_id))
            for address in _recipients(session, ticket):
                enqueue(
                    session,
                    key=f"{key}:{address}",
                    template="ticket-sla",
                    now=now,
                    recipient=Recipient(Channel.EMAIL, address, "en", ticket.organisation_id),
                    context={
                        "reference": display(ticket.reference),
                        "category": ticket.category.value,
                        "language": ticket.language,
                        "state": WORDS[state],
                        "target": target,
                        "due": due.isoformat(timespec="minutes"),
                        "url": f"{base_url}/api/tickets/{ticket.id}",
                    },
                )
                queued += 1
    session.flush()
    return queued
