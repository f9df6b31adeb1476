"""Texts from families, by SMS or WhatsApp through Twilio's signed webhook: STOP opts the
number out of texts; anything else goes to the desk, joining the family's open ticket or
opening one."""

from fastapi import APIRouter, Request, Response

from accounts.deps import SessionDep
from notifications.api.twilio_hooks import TWILIO_ERRORS, signed_form
from notifications.sending import opt_out
from support.models import Via
from support.tickets import receive_text

router = APIRouter(prefix="/api/twilio", tags=["twilio webhooks"])
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}


@router.post("/inbound", responses=TWILIO_ERRORS)
async def inbound(request: Request, session: SessionDep) -> Response:
    """A text from a family: STOP opts the number out of SMS; anything else goes to the
    support desk, joining the family's open ticket or opening one."""
    form = await signed_form(request)
    sender = form.get("From", "")
    number = sender.removeprefix("whatsapp:")
    body = form.get("Body", "").strip()
    if number and body.upper() in STOP_WORDS:
        opt_out(session, number)
    elif number and body:
        via = Via.WHATSAPP if sender.startswith("whatsapp:") else Via.SMS
        receive_text(
            session,
            phone=number,
            text=body,
            via=via,
            provider_sid=form.get("MessageSid") or None,
        )
    session.commit()
    return Response(content="<Response/>", media_type="application/xml")
