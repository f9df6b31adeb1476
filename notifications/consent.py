"""Consent to texts: the keywords carriers expect (Twilio's opt-out, opt-in and help words),
a number's opt-out and its history, and staff lifting an opt-out when the family asks."""

import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import String, any_, bindparam, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from dfc.db_types import utcnow
from dfc.settings import get_settings
from notifications.models import (
    Channel,
    ConsentChange,
    MessageStatus,
    OutboxMessage,
    SmsOptOut,
    TextConsentChange,
)

OPT_OUT_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"}
)
OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP"})
WAITING = (MessageStatus.PENDING, MessageStatus.HELD)


class Keyword(StrEnum):
    OPT_OUT = "opt-out"
    OPT_IN = "opt-in"
    HELP = "help"


@dataclass(frozen=True)
class TextStatus:
    texts_on: bool
    since: datetime | None = None  # when texts were turned off
    how: str | None = None  # the keyword, or 'twilio'
    channel: Channel | None = None


def read_keyword(body: str) -> tuple[Keyword, str] | None:
    """(kind, word) when a text is only a keyword, in any case, with any spaces or
    punctuation ("stop", " Stop! ", "S T O P"); None for anything else."""
    word = re.sub(r"[\W_]+", "", body).upper()
    if word in OPT_OUT_WORDS:
        return Keyword.OPT_OUT, word
    if word in OPT_IN_WORDS:
        return Keyword.OPT_IN, word
    if word in HELP_WORDS:
        return Keyword.HELP, word
    return None


def text_status(session: Session, phone_number: str) -> TextStatus:
    opted_out = session.get(SmsOptOut, phone_number)
    if opted_out is None:
        return TextStatus(texts_on=True)
    return TextStatus(
        texts_on=False, since=opted_out.opted_out_at, how=opted_out.how, channel=opted_out.channel
    )


def opt_in_number() -> str:
    """The number a family texts START to: ours, when the service sends from one number
    (a Messaging Service may send from several; then the family answers the one they got)."""
    return get_settings().TWILIO_FROM_NUMBER


def is_opted_out(session: Session, phone_number: str) -> bool:
    return session.get(SmsOptOut, phone_number) is not None


def opted_out_among(session: Session, phone_numbers: Collection[str]) -> set[str]:
    """Which of these numbers opted out, in one query (an array parameter on PostgreSQL)."""
    if not phone_numbers:
        return set()
    numbers = sorted(phone_numbers)
    if session.get_bind().dialect.name == "postgresql":
        among = SmsOptOut.phone_number == any_(bindparam("numbers", numbers, type_=ARRAY(String)))
    else:
        among = SmsOptOut.phone_number.in_(numbers)
    return set(session.exec(select(SmsOptOut.phone_number).where(among)))


def already_recorded(session: Session, provider_sid: str | None) -> bool:
    """A keyword text seen before (a replayed webhook)."""
    if not provider_sid:
        return False
    found = select(TextConsentChange.id).where(TextConsentChange.provider_sid == provider_sid)
    return session.exec(found).first() is not None


def _record(session: Session, change: TextConsentChange) -> bool:
    """Adds the change once per provider id; False for a replay that slipped past the look."""
    nested = session.begin_nested()
    session.add(change)
    try:
        nested.commit()
    except IntegrityError:
        nested.rollback()
        return False
    return True


def opt_out(
    session: Session,
    phone_number: str,
    *,
    how: str = "twilio",
    channel: Channel | None = None,
    provider_sid: str | None = None,
    now: datetime | None = None,
) -> None:
    """No more SMS or WhatsApp to this number; anything still waiting for it is cancelled.
    The first opt-out is kept; each keyword is recorded in the history."""
    now = now or utcnow()
    already = session.get(SmsOptOut, phone_number)
    if already is None or provider_sid:  # Twilio refusing again and again is one change
        change = TextConsentChange(
            phone_number=phone_number,
            change=ConsentChange.OPTED_OUT,
            how=how,
            channel=channel,
            provider_sid=provider_sid,
            changed_at=now,
        )
        if not _record(session, change):
            return
    if already is None:
        session.add(
            SmsOptOut(phone_number=phone_number, opted_out_at=now, how=how, channel=channel)
        )
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.recipient == phone_number, OutboxMessage.status.in_(WAITING))
        .values(status=MessageStatus.CANCELLED, error="The recipient opted out")
    )
    session.flush()


def opt_in(
    session: Session,
    phone_number: str,
    *,
    how: str,
    channel: Channel | None = None,
    provider_sid: str | None = None,
    now: datetime | None = None,
) -> bool:
    """Texts to this number again, because the family texted START (or YES, UNSTOP).
    False when texts were already on: nothing to record."""
    opted_out = session.get(SmsOptOut, phone_number)
    if opted_out is None:
        return False
    change = TextConsentChange(
        phone_number=phone_number,
        change=ConsentChange.OPTED_IN,
        how=how,
        channel=channel,
        provider_sid=provider_sid,
        changed_at=now or utcnow(),
    )
    if not _record(session, change):
        return False
    session.delete(opted_out)
    session.flush()
    return True


def lift_opt_out(
    session: Session,
    phone_number: str,
    *,
    staff_user_id: int | None,
    reason: str,
    how: str = "staff",
    now: datetime | None = None,
) -> bool:
    """Staff turn texts on again because the family asked (by phone, in person), with the
    reason recorded. False when texts were already on."""
    opted_out = session.get(SmsOptOut, phone_number)
    if opted_out is None:
        return False
    session.add(
        TextConsentChange(
            phone_number=phone_number,
            change=ConsentChange.LIFTED_BY_STAFF,
            how=how,
            staff_user_id=staff_user_id,
            reason=reason,
            changed_at=now or utcnow(),
        )
    )
    session.delete(opted_out)
    session.flush()
    return True


def consent_history(session: Session, phone_number: str) -> list[TextConsentChange]:
    return list(
        session.exec(
            select(TextConsentChange)
            .where(TextConsentChange.phone_number == phone_number)
            .order_by(TextConsentChange.changed_at.desc(), TextConsentChange.id.desc())
        )
    )
