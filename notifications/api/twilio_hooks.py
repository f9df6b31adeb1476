"""Twilio's delivery status callbacks, and `signed_form`, which every Twilio webhook uses
(inbound texts are the support desk's: support/api/inbound.py). A webhook is accepted only
with a valid X-Twilio-Signature; anything else changes nothing."""

import logging

from fastapi import APIRouter, Request, Response
from sqlmodel import Session, select
from starlette.concurrency import run_in_threadpool

from accounts.deps import SessionDep
from dfc.db_types import utcnow
from dfc.errors import Forbidden
from dfc.settings import get_settings
from notifications.consent import opt_out
from notifications.models import MessageStatus, OutboxMessage
from notifications.twilio_signature import signature_is_valid

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/twilio", tags=["twilio webhooks"])
FINAL = {
    "delivered": MessageStatus.DELIVERED,
    "undelivered": MessageStatus.FAILED,
    "failed": MessageStatus.FAILED,
}


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
        # Loud, since a wrong BASE_URL refuses every text a family sends.
        log.warning(
            "refused a Twilio webhook: its signature does not match %s. If Twilio posts to "
            "another address (a proxy, a different host name), set BASE_URL to the address "
            "Twilio is configured with; check TWILIO_AUTH_TOKEN too",
            url,
        )
        raise Forbidden("The request is not signed by Twilio")
    return form


# Twilio's requests are forms read by signed_form, so FastAPI cannot see their errors.
TWILIO_ERRORS = {
    403: {"description": "Not signed by Twilio (X-Twilio-Signature)"},
    413: {"description": "The form is larger than MAX_REQUEST_BYTES"},
}


@router.post("/status", status_code=204, responses=TWILIO_ERRORS)
async def status_callback(request: Request, session: SessionDep) -> Response:
    form = await signed_form(request)
    await run_in_threadpool(_record_status, session, form)  # off the event loop
    return Response(status_code=204)


def _record_status(session: Session, form: dict[str, str]) -> None:
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
