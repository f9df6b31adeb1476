"""The ticket page: its details, the whole thread (internal notes marked as never sent to
the family, the family's words in their own language and direction), and for those who
work tickets the forms that act on it. School staff read their own families' tickets."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.organisations import get_organisation
from devices.pages.labels import text_status_label
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.web.templating import render
from notifications import consent
from notifications.templates import render as render_message
from support import desk
from support.media.reading import by_message as files_by_message
from support.messages import CANNED
from support.models import Ticket
from support.pages.desk_common import (
    AUTHOR,
    CATEGORY,
    PRIORITY,
    SLA,
    STATUS,
    TEAM,
    Now,
    TicketReader,
    language_label,
)
from support.pages.desk_language_panel import language_panel
from support.pages.desk_translation import translation_view
from support.queue import RUNNING
from support.references import display
from support.sla import sla_state
from support.translation.service import fill_english

router = APIRouter(include_in_schema=False)
DONE = {
    "replied": "Reply sent to the family",
    "kept": "Reply saved on the ticket (the family has no phone number to text)",
    "opted-out": "Reply saved on the ticket, not texted: the family turned texts off",
    "noted": "Internal note added",
    "assigned": "Ticket assigned",
    "status": "Status changed",
    "merged": "The duplicate ticket was merged into this one",
    "language": "Language changed",
}


@router.get("/tickets/{ticket_id}")
def ticket_page(
    ticket_id: int,
    request: Request,
    session: SessionDep,
    caller: TicketReader,
    now: Now,
    done: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return show_ticket(request, session, caller, ticket_id, now=now, done=done)


def show_ticket(
    request: Request,
    session: Session,
    caller: Caller,
    ticket_id: int,
    *,
    now: datetime,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    """The page, also shown again (status 400, values kept) when one of its forms fails."""
    ticket, messages = desk.show_ticket(
        session, caller=caller, ticket_id=ticket_id, seen=Where.of(request)
    )
    untranslated = fill_english(session, ticket, messages)
    session.commit()  # the English, kept so the service is asked once per text
    names = desk.staff_names(session, {m.author_user_id for m in messages} | {ticket.agent_id})
    can_act = desk.can_work(caller) and ticket.merged_into_id is None
    return render(
        request,
        "support/desk_ticket.html",
        {
            "ticket": ticket,
            "reference": display(ticket.reference),
            "organisation": get_organisation(
                session, caller=caller, organisation_id=ticket.organisation_id
            ),
            "merged_into": _merged_into(session, caller, ticket),
            "messages": messages,
            "files": files_by_message(session, (message.id for message in messages)),
            "names": names,
            "ticket_language": language_label(ticket.language),
            "language_panel": language_panel(session, caller, ticket),
            "translation": translation_view(ticket, untranslated),
            "text_status": text_status_label(
                consent.text_status(session, ticket.phone_number) if ticket.phone_number else None
            ),
            "sla": _sla(ticket, now),
            "can_work": desk.can_work(caller),
            "can_act": can_act,
            "canned": _canned(ticket) if can_act else [],
            "staff": desk.assignable_staff(session, caller=caller, ticket=ticket)
            if can_act
            else [],
            "next_statuses": [s for s in STATUS if s in desk.NEXT_STATUS[ticket.status]],
            "labels": {
                "status": STATUS,
                "category": CATEGORY,
                "priority": PRIORITY,
                "team": TEAM,
                "author": AUTHOR,
            },
            "done": DONE.get(done or ""),
            "values": values or {},
            "field_errors": errors or {},
        },
        caller=caller,
        status_code=status_code,
        staff=True,
    )


def _merged_into(session: Session, caller: Caller, ticket: Ticket) -> dict | None:
    if ticket.merged_into_id is None:
        return None
    keeper = desk.get_ticket(session, caller=caller, ticket_id=ticket.merged_into_id)
    return {"id": keeper.id, "reference": display(keeper.reference)}


def _sla(ticket: Ticket, now: datetime) -> dict | None:
    """The running clock (first response until answered, then resolution) and its state."""
    if ticket.status not in RUNNING:
        return None
    answered = ticket.first_responded_at is not None
    due = ticket.resolution_due if answered else ticket.first_response_due
    state = sla_state(due, now, created_at=ticket.created_at)
    return {
        "target": "Resolution" if answered else "First response",
        "due": due,
        "label": SLA[state][0],
        "classes": SLA[state][1],
    }


def _canned(ticket: Ticket) -> list[dict[str, str]]:
    """Each ready-made reply in English and exactly as the family will receive it."""
    return [
        {
            "name": name,
            "english": english,
            "theirs": render_message(f"canned-{name}", language=ticket.language, context={})[1],
        }
        for name, english in CANNED.items()
    ]
