"""A ticket's language for agents: read it with its history, and change it (and the
family's) saying why. Scoped like the ticket: another organisation's ticket is 404."""

from fastapi import APIRouter, status

from accounts.deps import ApiCaller, SessionDep
from devices.models import Family
from dfc.audit.seen import SeenAt
from support.language_agents import change_by_agent, show_language
from support.language_schemas import (
    LanguageChangePublic,
    LanguageChangeRequest,
    TicketLanguagePublic,
)
from support.models import Ticket, TicketLanguageChange

router = APIRouter(prefix="/api/tickets", tags=["support: agents"])
Shown = tuple[Ticket, Family | None, list[TicketLanguageChange]]


def _public(shown: Shown) -> TicketLanguagePublic:
    ticket, family, history = shown
    return TicketLanguagePublic(
        ticket_id=ticket.id,
        language=ticket.language,
        language_source=ticket.language_source,
        family_id=ticket.family_id,
        family_language=family.preferred_language if family else None,
        history=[LanguageChangePublic.model_validate(change) for change in history],
    )


@router.get("/{ticket_id}/language")
def read_language(
    seen: SeenAt, ticket_id: int, session: SessionDep, caller: ApiCaller
) -> TicketLanguagePublic:
    """The ticket's language, where it came from, the family's, and every change with who
    and why; the read is recorded in the access audit."""
    return _public(show_language(session, caller=caller, ticket_id=ticket_id, seen=seen))


@router.post(
    "/{ticket_id}/language",
    status_code=status.HTTP_200_OK,
    responses={409: {"description": "Already in that language, or the ticket was merged"}},
)
def change_language(
    seen: SeenAt,
    ticket_id: int,
    body: LanguageChangeRequest,
    session: SessionDep,
    caller: ApiCaller,
) -> TicketLanguagePublic:
    """Sets the ticket's language (and with `also_family` the family's recorded language),
    keeping who did it and why. Replies and texts go in the new language from now on."""
    change_by_agent(
        session,
        caller=caller,
        ticket_id=ticket_id,
        language=body.language,
        reason=body.reason,
        also_family=body.also_family,
    )
    shown = show_language(session, caller=caller, ticket_id=ticket_id, seen=seen)
    session.commit()
    return _public(shown)
