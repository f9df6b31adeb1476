"""Operators: list the outbox, resend a failed message, preview any template in any locale."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict

from accounts.deps import ApiCaller, SessionDep
from dfc.audit.seen import SeenAt
from dfc.errors import InvalidInput, NotFound
from dfc.i18n import BY_CODE
from dfc.listing import Page
from dfc.paging import PagingDep
from notifications import outbox_reading
from notifications.models import Channel, MessageStatus
from notifications.templates import (
    CONTACT_WITH_PHONE,
    DEVICE_NAMES,
    ITEMS,
    TEMPLATES,
    DayMonth,
    Phrase,
    render,
)

router = APIRouter(prefix="/api", tags=["notifications"])


class MessagePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    channel: Channel
    status: MessageStatus
    audience: str
    recipient: str
    locale: str
    template: str
    subject: str | None
    body: str
    segments: int
    encoding: str
    attempts: int
    error: str | None
    outbox_only: bool
    organisation_id: int | None


@router.get("/outbox", response_model=Page[MessagePublic])
def list_outbox(
    seen: SeenAt,
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    status: MessageStatus | None = None,
    channel: Channel | None = None,
    organisation_id: int | None = None,
):
    """Messages for the caller's organisations, newest first."""
    return outbox_reading.list_messages(
        session,
        paging,
        caller=caller,
        seen=seen,
        status=status,
        channel=channel,
        organisation_id=organisation_id,
    )


@router.post("/outbox/{message_id}/resend")
def resend(message_id: int, session: SessionDep, caller: ApiCaller) -> MessagePublic:
    """Tries a failed message again from the start."""
    message = outbox_reading.resend(session, caller=caller, message_id=message_id)
    session.commit()
    return MessagePublic.model_validate(message)


PHONE = "020 7946 0000"
LAPTOP = Phrase(DEVICE_NAMES["laptop"], {"name": "DFC-0042"})


@router.get("/templates/{name}/preview")
def preview(
    name: str,
    caller: ApiCaller,
    locale: Annotated[str, Query(description="a served language code")] = "en",
) -> dict[str, Any]:
    """The template rendered in a locale with sample values."""
    outbox_reading.require_operator(caller)
    if name not in TEMPLATES:
        raise NotFound(f"No template {name!r}; there are: {', '.join(TEMPLATES)}")
    if locale not in BY_CODE:
        raise InvalidInput(f"use one of: {', '.join(BY_CODE)}", field="locale")
    sample = {
        "date": date(2026, 9, 1),
        "contact": Phrase(CONTACT_WITH_PHONE, {"name": "Kentish Town Primary", "phone": PHONE}),
        "device": LAPTOP,
        "list": [
            Phrase(ITEMS["support-ending"], {"device": LAPTOP, "date": DayMonth(date(2026, 9, 1))}),
            Phrase(ITEMS["data-nearly-used"], {"percent": 0.8}),
        ],
        "percent": 0.8,
        "items": "Support ending (someone must take over): 1\n  - SN000123",
        "reference": "TK-7QX4-M2",
        "code": "482913",
        "text": "Your replacement charger is at the school office.",
        "category": "broken device",
        "network": "Vodafone",
        "gb": 20,
        "due": "2026-09-02 17:00",
        "language": "Polish",
        "state": "due soon",
        "target": "1 working day",
        "url": "https://devices.example.org/tickets/1",
        "council": "Camden",
        "partner": "Laptop Repairs Ltd",
        "when": "in 30 days",
        "size": "5.0 MB",
        "invitation": "Odpisz „Polski” / Răspundeți „Română”",
        "link": "https://devices.example.org/accept/r4nd0m-0ne-t1me-t0ken",
        "serial": "SN000123",
        # a check-in's answer words, in the family's language when it is sent
        "yes": "YES",
        "no": "NO",
        "help": "HELP",
    }
    subject, body = render(name, language=locale, context=sample)
    return {"template": name, "locale": locale, "subject": subject, "body": body}
