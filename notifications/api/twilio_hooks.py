"""Twilio's webhooks: delivery status callbacks, and inbound texts (STOP opts out). Each is
accepted only with a valid X-Twilio-Signature; anything else changes nothing."""

from fastapi import APIRouter, Request, Response
from sqlmodel import select

from accounts.deps import SessionDep
from dfc.db_types import utcnow
from dfc.errors import Forbidden
from dfc.settings import get_settings
from notifications.models import MessageStatus, OutboxMessage
from notifications.sending import opt_out
from notifications.twilio_signature import signature_is_valid

router = APIRouter(prefix="/api/twilio", tags=["twilio webhooks"])
FINAL = {
    "delivered": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
}
STOP_WORDS = {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}


async def signed_form(request: Request) -> dict[str, str]:
    """The posted form, if Twilio signed it for the URL we are known by; otherwise 403."""
    form = {key: str(value) for key, value in (await request.form()).items()}
    url = get_settings().BASE_URL.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    if not signature_is_valid(
        auth_token=get_settings().TWILIO_AUTH_TOKEN,
        url=url,
        params=form,
        signature=request.headers.get("X-Twilio-Signature"),
    ):
        raise Forbidden("The request is not signed by Twilio")
    return form


@router.post("/status", status_code=204)
async def status_callback(request: Request, session: SessionDep) -> Response:
    form = await signed_form(request)
    message = session.exec(
        select(OutboxMessage).where(OutboxMessage.provider_id == form.get("MessageSid", ""))
    ).first()
    new_status = FINAL.get(form.get("MessageStatus", ""))
    if message is not None and new_status is not None:
        message.status = new_status
        if new_status is MessageStatus.DELIVERED:
            message.delivered_at = utcnow()
        else:
            message.error = f"{form.get('ErrorCode', '')} {form.get('ErrorMessage', '')}".strip()
            if form.get("ErrorCode") == "21610":
                opt_out(session, message.recipient)
        session.add(message)
        session.commit()
    return Response(status_code=204)


@router.post("/inbound")
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
        from support.models import Via
        from support.tickets import receive_text

        via = Via.WHATSAPP if sender.startswith("whatsapp:") else Via.SMS
        receive_text(session, phone=number, text=body, via=via)
    session.commit()
    return Response(content="<Response/>", media_type="application/xml")
