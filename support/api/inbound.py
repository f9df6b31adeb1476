"""Texts from families, by SMS or WhatsApp through Twilio's signed webhook (the rules are
support.inbound's: consent keywords, then the desk)."""

from fastapi import APIRouter, Request, Response
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from accounts.deps import SessionDep
from notifications.api.twilio_hooks import TWILIO_ERRORS, signed_form
from support.inbound import receive
from support.media.attachments import hand_over, media_in

router = APIRouter(prefix="/api/twilio", tags=["twilio webhooks"])


@router.post("/inbound", responses=TWILIO_ERRORS)
async def inbound(request: Request, session: SessionDep) -> Response:
    """A text from a family: STOP and the other opt-out words turn texts off, START, YES
    and UNSTOP on, HELP explains; anything else joins the family's open ticket or opens
    one; photos and files with it (MediaUrl0...) are fetched in the background and join
    the ticket. A replay of the same MessageSid changes nothing."""
    form = await signed_form(request)
    # Reading the text (the database, the language detector loading its models the first
    # time) blocks: on the event loop it would hold up every other request meanwhile.
    await run_in_threadpool(_receive_and_commit, session, form)
    return Response(content="<Response/>", media_type="application/xml")


def _receive_and_commit(session: Session, form: dict[str, str]) -> None:
    to_fetch = receive(
        session,
        sender=form.get("From", ""),
        body=form.get("Body", ""),
        provider_sid=form.get("MessageSid") or None,
        twilio_answered=bool(form.get("OptOutType")),
        media=media_in(form),
    )
    session.commit()
    hand_over(to_fetch)
