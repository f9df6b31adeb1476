"""The ticket page's forms: a ready-made or written reply, an internal note, assigning,
changing status and merging a duplicate. Each checks its CSRF token first and is for those
who work tickets (school staff only read them); how they answer is in desk_forms."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response
from pydantic import ValidationError

from dfc.web.forms import problems_of
from notifications import consent
from support import desk
from support.pages.desk_forms import Outcome, PostedTicketForm, TicketForm
from support.schemas import AssignRequest, ReplyRequest, StatusRequest

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form()]


def _replied(form: PostedTicketForm, **reply) -> Outcome:
    message = desk.reply(form.session, caller=form.caller, ticket_id=form.ticket_id, **reply)
    ticket = desk.get_ticket(form.session, caller=form.caller, ticket_id=message.ticket_id)
    if not ticket.phone_number:
        return form.ticket_id, "kept"
    return form.ticket_id, "replied" if consent.text_status(
        form.session, ticket.phone_number
    ).texts_on else "opted-out"


@router.post("/tickets/{ticket_id}/canned-reply")
def send_canned_reply(form: TicketForm, canned: FormText = "") -> Response:
    values = {"canned": canned}
    if not canned:
        return form.failed(values, {"canned": "Choose a ready-made reply"})
    return form.act(
        values, field="canned", action=lambda: _replied(form, canned=canned, now=form.now)
    )


@router.post("/tickets/{ticket_id}/reply")
def send_reply(form: TicketForm, text: FormText = "", send_as_written: FormText = "") -> Response:
    """A written reply: machine translated for a family that reads another language, unless
    the agent ticks "send as written" (support.translation)."""
    return _written(form, "text", text, internal=False, send_as_written=bool(send_as_written))


@router.post("/tickets/{ticket_id}/note")
def add_note(form: TicketForm, note: FormText = "") -> Response:
    return _written(form, "note", note, internal=True)


def _written(
    form: PostedTicketForm, field: str, text: str, *, internal: bool, send_as_written: bool = False
) -> Response:
    """A free-text reply to the family, or an internal note that is never sent."""
    values = {field: text, "send_as_written": "yes" if send_as_written else ""}
    noun = "note" if internal else "reply"
    if not text.strip():
        return form.failed(values, {field: f"Enter a {noun}"})
    try:
        body = ReplyRequest(text=text, internal=internal)
    except ValidationError:  # the only rule left to break is the length
        return form.failed(values, {field: f"The {noun} must be 1,600 characters or fewer"})

    def write() -> Outcome:
        if not internal:
            return _replied(form, text=body.text, send_as_written=send_as_written, now=form.now)
        desk.reply(
            form.session,
            caller=form.caller,
            ticket_id=form.ticket_id,
            text=body.text,
            internal=True,
            now=form.now,
        )
        return form.ticket_id, "noted"

    return form.act(values, field=field, action=write)


@router.post("/tickets/{ticket_id}/assign")
def assign(form: TicketForm, agent_id: FormText = "", team: FormText = "") -> Response:
    values = {"agent_id": agent_id, "team": team}
    try:
        body = AssignRequest(agent_id=agent_id.strip() or None, team=team or None)
    except ValidationError as error:
        messages = {"agent_id": "Choose someone from the list", "team": "Choose a team"}
        return form.failed(values, problems_of(error, messages))

    def give() -> Outcome:
        desk.assign(
            form.session,
            caller=form.caller,
            ticket_id=form.ticket_id,
            agent_id=body.agent_id,
            team=body.team,
        )
        return form.ticket_id, "assigned"

    return form.act(values, field="agent_id", action=give)


@router.post("/tickets/{ticket_id}/status")
def change_status(form: TicketForm, status: FormText = "") -> Response:
    values = {"status": status}
    try:
        body = StatusRequest(status=status)
    except ValidationError:
        return form.failed(values, {"status": "Choose a status"})

    def change() -> Outcome:
        desk.change_status(
            form.session,
            caller=form.caller,
            ticket_id=form.ticket_id,
            status=body.status,
            now=form.now,
        )
        return form.ticket_id, "status"

    return form.act(values, field="status", action=change)


@router.post("/tickets/{ticket_id}/merge")
def merge(form: TicketForm, into_reference: FormText = "") -> Response:
    values = {"into_reference": into_reference}
    if not into_reference.strip():
        errors = {"into_reference": "Enter the reference of the ticket this one repeats"}
        return form.failed(values, errors)

    def join() -> Outcome:
        keeper = desk.get_ticket_by_reference(
            form.session,
            caller=form.caller,
            reference=into_reference.strip(),
            field="into_reference",
        )
        kept = desk.merge(
            form.session, caller=form.caller, ticket_id=form.ticket_id, into_id=keeper.id
        )
        return kept.id, "merged"

    return form.act(values, field="into_reference", action=join)
