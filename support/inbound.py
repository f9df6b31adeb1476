"""A text from a family, by SMS or WhatsApp: an answer to an open check-in (yes, no or
help in their language: support.check_in_replies) is read first; a consent keyword (STOP,
START, HELP and their kin) changes or explains their texts and is answered in their
language; anything else goes to the desk, joining their open ticket or opening one. Photos
and files that come with it (even with no words) join the ticket too (support.media)."""

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session, select

from dfc.db_types import utcnow
from notifications import consent, whatsapp
from notifications.consent import Keyword
from notifications.models import Channel
from notifications.outbox import Recipient, enqueue
from support.check_in_replies import answer_check_in
from support.media import attachments
from support.media.attachments import IncomingMedia
from support.models import Ticket, Via
from support.tickets import find_family_by_phone, receive_text

ANSWERS = {Keyword.OPT_OUT: "texts-off", Keyword.OPT_IN: "texts-on", Keyword.HELP: "texts-help"}


def language_for_number(session: Session, phone: str) -> str:
    """The family's recorded language, else their latest ticket's, else English: a
    keyword is one English word, which says nothing of the language they read."""
    family = find_family_by_phone(session, phone)
    if family is not None and family.preferred_language:
        return family.preferred_language
    latest = session.exec(
        select(Ticket.language).where(Ticket.phone_number == phone).order_by(Ticket.id.desc())
    ).first()
    return latest or "en"


def receive(
    session: Session,
    *,
    sender: str,
    body: str,
    provider_sid: str | None = None,
    twilio_answered: bool = False,
    media: Sequence[IncomingMedia] = (),
    now: datetime | None = None,
) -> list[int]:
    """`sender` as Twilio gives it (`whatsapp:+44...` for WhatsApp). `twilio_answered`:
    Twilio's Advanced Opt-Out has already replied to the keyword (the webhook carries
    OptOutType), so we record it and stay silent rather than text the family twice.
    Returns the ids of the files to fetch once the caller has committed."""
    now = now or utcnow()
    phone = sender.removeprefix("whatsapp:")
    body = body.strip()
    if not phone or not (body or media):
        return []
    via, channel = (
        (Via.WHATSAPP, Channel.WHATSAPP)
        if sender.startswith("whatsapp:")
        else (Via.SMS, Channel.SMS)
    )
    if via is Via.WHATSAPP:  # free text may be sent to them for the next 24 hours
        whatsapp.record_inbound(session, phone_number=phone, at=now)
    keyword = consent.read_keyword(body) if body else None
    if keyword is not None and keyword[1] == "YES" and consent.text_status(session, phone).texts_on:
        keyword = None  # "yes" is an ordinary answer from a family whose texts are on
    # A check-in's yes, no or help comes before the consent keywords (HELP included), but
    # never instead of an opt-out or an opt-in: STOP and START always change consent.
    reads_check_in = keyword is None or keyword[0] is Keyword.HELP
    if (
        body
        and not media
        and reads_check_in
        and answer_check_in(
            session, phone=phone, body=body, via=via, provider_sid=provider_sid, now=now
        )
    ):
        return []
    fetch: list[int] = []
    if keyword is None or media:  # a keyword sent with a photo still brings the photo
        ticket = receive_text(
            session,
            phone=phone,
            text=body if keyword is None and body else attachments.placeholder(media),
            via=via,
            provider_sid=provider_sid,
            now=now,
        )
        fetch = attachments.record(
            session, ticket=ticket, provider_sid=provider_sid, media=media, now=now
        )
        if keyword is None:
            return fetch
    if consent.already_recorded(session, provider_sid):
        return fetch
    kind, word = keyword
    if kind is Keyword.OPT_OUT:
        consent.opt_out(
            session, phone, how=word, channel=channel, provider_sid=provider_sid, now=now
        )
    elif kind is Keyword.OPT_IN:
        consent.opt_in(
            session, phone, how=word, channel=channel, provider_sid=provider_sid, now=now
        )
    if twilio_answered:
        return fetch
    template = ANSWERS[kind]
    enqueue(
        session,
        key=f"{template}:{provider_sid or phone + ':' + now.isoformat()}",
        template=template,
        recipient=Recipient(channel, phone, language_for_number(session, phone)),
        context={},
        now=now,
    )
    return fetch
