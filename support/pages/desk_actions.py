"""The ticket page's forms: a ready-made or written reply, an internal note, assigning,
changing status and merging a duplicate. Each checks its CSRF token first and is for those
who work tickets (school staff only read them). A problem shows the ticket page again with
status 400, the values kept, the reason beside its field and nothing saved; success
redirects back to the ticket (post, redirect, get)."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import DeskStaff
from dfc.caller import Caller
from dfc.errors import DomainError, Forbidden, NotFound
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problems_of
from notifications import consent
from support import desk
from support.pages.desk_common import Now
from support.pages.desk_ticket import show_ticket
from support.schemas import AssignRequest, ReplyRequest, StatusRequest

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form()]
# An action answers with the ticket to show next and what to say was done.
Outcome = tuple[int, str]


def _act(
    request: Request,
    session: Session,
    caller: Caller,
    ticket_id: int,
    *,
    now: datetime,
    values: dict[str, str],
    field: str,
    action: Callable[[], Outcome],
) -> Response:
    """Runs `action`; a refused rule becomes the form's problem, beside `field` unless the
    rule names its own. The ticket itself missing (or another organisation's) stays a 404."""
    try:
        shown, done = action()
    except DomainError as error:
        if isinstance(error, NotFound | Forbidden) and error.field is None:
            raise
        return _failed(
            request, session, caller, ticket_id, now, values, {error.field or field: error.message}
        )
    session.commit()
    return RedirectResponse(f"/tickets/{shown}?done={done}", status_code=303)


def _failed(
    request: Request,
    session: Session,
    caller: Caller,
    ticket_id: int,
    now: datetime,
    values: dict[str, str],
    errors: dict[str, str],
) -> Response:
    session.rollback()
    return show_ticket(
        request, session, caller, ticket_id, now=now, values=values, errors=errors, status_code=400
    )


def _replied(session: Session, caller: Caller, ticket_id: int, **reply) -> Outcome:
    message = desk.reply(session, caller=caller, ticket_id=ticket_id, **reply)
    ticket = desk.get_ticket(session, caller=caller, ticket_id=message.ticket_id)
    if not ticket.phone_number:
        return ticket_id, "kept"
    return ticket_id, "replied" if consent.text_status(
        session, ticket.phone_number
    ).texts_on else "opted-out"


@router.post("/tickets/{ticket_id}/canned-reply")
def send_canned_reply(
    request: Request,
    _csrf: CsrfChecked,
    ticket_id: int,
    session: SessionDep,
    caller: DeskStaff,
    now: Now,
    canned: FormText = "",
) -> Response:
    values = {"canned": canned}
    if not canned:
        errors = {"canned": "Choose a ready-made reply"}
        return _failed(request, session, caller, ticket_id, now, values, errors)
    return _act(
        request,
        session,
        caller,
        ticket_id,
        now=now,
        values=values,
        field="canned",
        action=lambda: _replied(session, caller, ticket_id, canned=canned, now=now),
    )


@router.post("/tickets/{ticket_id}/reply")
def send_reply(
    request: Request,
    _csrf: CsrfChecked,
    ticket_id: int,
    session: SessionDep,
    caller: DeskStaff,
    now: Now,
    text: FormText = "",
    send_as_written: FormText = "",
) -> Response:
    """A written reply: machine translated for a family that reads another language, unless
    the agent ticks "send as written" (support.translation)."""
    return _written(
        request,
        session,
        caller,
        ticket_id,
        now,
        "text",
        text,
        internal=False,
        send_as_written=bool(send_as_written),
    )


@router.post("/tickets/{ticket_id}/note")
def add_note(
    request: Request,
    _csrf: CsrfChecked,
    ticket_id: int,
    session: SessionDep,
    caller: DeskStaff,
    now: Now,
    note: FormText = "",
) -> Response:
    return _written(request, session, caller, ticket_id, now, "note", note, internal=True)


def _written(
    request: Request,
    session: Session,
    caller: Caller,
    ticket_id: int,
    now: datetime,
    field: str,
    text: str,
    *,
    internal: bool,
    send_as_written: bool = False,
) -> Response:
    """A free-text reply to the family, or an internal note that is never sent."""
    values = {field: text, "send_as_written": "yes" if send_as_written else ""}
    noun = "note" if internal else "reply"
    if not text.strip():
        errors = {field: f"Enter a {noun}"}
        return _failed(request, session, caller, ticket_id, now, values, errors)
    try:
        body = ReplyRequest(text=text, internal=internal)
    except ValidationError:  # the only rule left to break is the length
        errors = {field: f"The {noun} must be 1,600 characters or fewer"}
        return _failed(request, session, caller, ticket_id, now, values, errors)

    def write() -> Outcome:
        if not internal:
            return _replied(
                session,
                caller,
                ticket_id,
                text=body.text,
                send_as_written=send_as_written,
                now=now,
            )
        desk.reply(
            session, caller=caller, ticket_id=ticket_id, text=body.text, internal=True, now=now
        )
        return ticket_id, "noted"

    return _act(
        request, session, caller, ticket_id, now=now, values=values, field=field, action=write
    )


@router.post("/tickets/{ticket_id}/assign")
def assign(
    request: Request,
    _csrf: CsrfChecked,
    ticket_id: int,
    session: SessionDep,
    caller: DeskStaff,
    now: Now,
    agent_id: FormText = "",
    team: FormText = "",
) -> Response:
    values = {"agent_id": agent_id, "team": team}
    try:
        body = AssignRequest(agent_id=agent_id.strip() or None, team=team or None)
    except ValidationError as error:
        messages = {"agent_id": "Choose someone from the list", "team": "Choose a team"}
        errors = problems_of(error, messages)
        return _failed(request, session, caller, ticket_id, now, values, errors)

    def give() -> Outcome:
        desk.assign(
            session, caller=caller, ticket_id=ticket_id, agent_id=body.agent_id, team=body.team
        )
        return ticket_id, "assigned"

    return _act(
        request, session, caller, ticket_id, now=now, values=values, field="agent_id", action=give
    )


@router.post("/tickets/{ticket_id}/status")
def change_status(
    request: Request,
    _csrf: CsrfChecked,
    ticket_id: int,
    session: SessionDep,
    caller: DeskStaff,
    now: Now,
    status: FormText = "",
) -> Response:
    values = {"status": status}
    try:
        body = StatusRequest(status=status)
    except ValidationError:
        errors = {"status": "Choose a status"}
        return _failed(request, session, caller, ticket_id, now, values, errors)

    def change() -> Outcome:
        desk.change_status(session, caller=caller, ticket_id=ticket_id, status=body.status, now=now)
        return ticket_id, "status"

    return _act(
        request, session, caller, ticket_id, now=now, values=values, field="status", action=change
    )


@router.post("/tickets/{ticket_id}/merge")
def merge(
    request: Request,
    _csrf: CsrfChecked,
    ticket_id: int,
    session: SessionDep,
    caller: DeskStaff,
    now: Now,
    into_reference: FormText = "",
) -> Response:
    values = {"into_reference": into_reference}
    if not into_reference.strip():
        errors = {"into_reference": "Enter the reference of the ticket this one repeats"}
        return _failed(request, session, caller, ticket_id, now, values, errors)

    def join() -> Outcome:
        keeper = desk.get_ticket_by_reference(
            session, caller=caller, reference=into_reference.strip(), field="into_reference"
        )
        kept = desk.merge(session, caller=caller, ticket_id=ticket_id, into_id=keeper.id)
        return kept.id, "merged"

    return _act(
        request,
        session,
        caller,
        ticket_id,
        now=now,
        values=values,
        field="into_reference",
        action=join,
    )
