"""WhatsApp within its rules. A family who chose WhatsApp (with their consent recorded) gets
their texts there. Business-initiated messages outside the 24-hour customer service window
(from the family's last message to us) may only be approved templates: Twilio's Content API,
a content SID per message and language, values by position. Free text is sent only within
the window. Where a message has no approved template in the family's language, it goes by
SMS rather than not at all. Our messages' values are numbered in the order they first
appear in the English text, so the text to submit for approval is the message itself."""

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session, select

from dfc.db_types import utcnow
from dfc.errors import InvalidInput
from dfc.i18n import BY_CODE, ENGLISH
from notifications.models import Audience, Channel
from notifications.templates import TEMPLATES, format_value, translate
from notifications.whatsapp_models import TextChannelChoice, WhatsAppTemplate, WhatsAppWindow

WINDOW = timedelta(hours=24)
CONTENT_SID = re.compile(r"^HX[0-9a-f]{32}$")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
CHOOSABLE = (Channel.SMS, Channel.WHATSAPP)


@dataclass(frozen=True)
class Plan:
    """How a WhatsApp message goes: free text, an approved template, or SMS instead."""

    channel: Channel
    content_sid: str | None = None
    variables: dict[str, str] | None = None
    note: str | None = None


def variable_keys(template: str) -> list[str]:
    """The message's values in the order they first appear in its English text."""
    return list(dict.fromkeys(PLACEHOLDER.findall(TEMPLATES[template].body)))


def variables_for(template: str, language: str, context: dict[str, Any]) -> str:
    """The values by position ({"1": ..., "2": ...}) as JSON, in the family's language."""
    language = language if language in BY_CODE else ENGLISH.code
    return json.dumps(
        {
            str(position): format_value(context[key], language)
            for position, key in enumerate(variable_keys(template), start=1)
        },
        ensure_ascii=False,
    )


def approval_text(template: str, language: str) -> str:
    """The message in `language` as a template to submit: {{1}}, {{2}} for its values."""
    numbers = {key: f"{{{{{n}}}}}" for n, key in enumerate(variable_keys(template), start=1)}
    text = TEMPLATES[template]
    body = translate(text.body, language) if text.translated else text.body
    return PLACEHOLDER.sub(lambda match: numbers[match[1]], body)


def family_templates() -> list[str]:
    return sorted(name for name, t in TEMPLATES.items() if t.audience is Audience.FAMILY)


def _among(column, numbers: list[str], session: Session):
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam("numbers", numbers, type_=ARRAY(String)))
    return column.in_(numbers)


def whatsapp_numbers_among(session: Session, phone_numbers: Collection[str]) -> set[str]:
    """Which of these numbers chose WhatsApp, in one query."""
    if not phone_numbers:
        return set()
    numbers = sorted(phone_numbers)
    return set(
        session.exec(
            select(TextChannelChoice.phone_number).where(
                _among(TextChannelChoice.phone_number, numbers, session),
                TextChannelChoice.channel == Channel.WHATSAPP,
            )
        )
    )


def channel_of(session: Session, phone_number: str) -> TextChannelChoice | None:
    return session.get(TextChannelChoice, phone_number)


def choose_channel(
    session: Session, *, phone_number: str, channel: Channel, consent: str, recorded_by: str
) -> TextChannelChoice:
    """Records the family's chosen channel and how they agreed to it. The caller commits."""
    if channel not in CHOOSABLE:
        raise InvalidInput("Choose SMS or WhatsApp", field="channel")
    consent = consent.strip()
    if channel is Channel.WHATSAPP and not consent:
        raise InvalidInput(
            "Say how the family agreed to WhatsApp (for example, asked at school)",
            field="consent",
        )
    choice = session.get(TextChannelChoice, phone_number) or TextChannelChoice(
        phone_number=phone_number, channel=channel, consent="", recorded_by=""
    )
    choice.channel, choice.consent = channel, consent[:300]
    choice.recorded_by, choice.recorded_at = recorded_by[:200], utcnow()
    session.add(choice)
    session.flush()
    return choice


def record_inbound(session: Session, *, phone_number: str, at: datetime) -> None:
    """The family wrote to us on WhatsApp: their 24-hour window starts again."""
    window = session.get(WhatsAppWindow, phone_number)
    if window is None:
        session.add(WhatsAppWindow(phone_number=phone_number, last_inbound_at=at))
    elif window.last_inbound_at < at:
        window.last_inbound_at = at
        session.add(window)
    session.flush()


def window_open(session: Session, phone_number: str, now: datetime) -> bool:
    window = session.get(WhatsAppWindow, phone_number)
    return window is not None and now - window.last_inbound_at < WINDOW


def set_template(
    session: Session, *, template: str, locale: str, content_sid: str, added_by: str
) -> WhatsAppTemplate:
    """Records the approved template for one message in one language. The caller commits."""
    if template not in TEMPLATES or TEMPLATES[template].audience is not Audience.FAMILY:
        raise InvalidInput(f"No family message called {template!r}", field="template")
    content_sid = content_sid.strip()
    if not CONTENT_SID.match(content_sid):
        raise InvalidInput(
            "Enter the template's content SID from Twilio: HX and 32 letters and digits",
            field="content_sid",
        )
    row = session.exec(
        select(WhatsAppTemplate).where(
            WhatsAppTemplate.template == template, WhatsAppTemplate.locale == locale
        )
    ).first() or WhatsAppTemplate(template=template, locale=locale, content_sid="", added_by="")
    row.content_sid, row.added_by, row.added_at = content_sid, added_by[:200], utcnow()
    session.add(row)
    session.flush()
    return row


def templates_approved(session: Session) -> dict[tuple[str, str], WhatsAppTemplate]:
    return {(row.template, row.locale): row for row in session.exec(select(WhatsAppTemplate))}


def plan(
    session: Session,
    *,
    phone_number: str,
    template: str,
    locale: str,
    variables: str | None,
    now: datetime,
) -> Plan:
    """Free text inside the window; the approved template outside it; SMS where the message
    has no approved template in the family's language."""
    if window_open(session, phone_number, now):
        return Plan(Channel.WHATSAPP)
    approved = session.exec(
        select(WhatsAppTemplate.content_sid).where(
            WhatsAppTemplate.template == template, WhatsAppTemplate.locale == locale
        )
    ).first()
    if approved is None or variables is None:
        return Plan(
            Channel.SMS,
            note=f"Sent by SMS: no approved WhatsApp template for {template} in {locale}, "
            "and the family has not written on WhatsApp in the last 24 hours",
        )
    return Plan(Channel.WHATSAPP, content_sid=approved, variables=json.loads(variables))
