"""Opening tickets and adding to them: from the web form, a text message, or school staff."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from accounts.organisations import ensure_scheme
from devices.models import Device, Family
from dfc.db_types import utcnow
from dfc.errors import Conflict
from notifications.models import Channel
from notifications.outbox import Recipient, enqueue
from support import (
    messages,  # noqa: F401 (registers the desk's message templates)
    text_language,
)
from support.language import Detection, detect_language
from support.language_choice import Choice
from support.models import Author, Category, Ticket, TicketMessage, TicketStatus, Via
from support.references import display, new_access_token, new_reference
from support.routing import priority_for, route
from support.sla import due_times

OPEN_STATUSES = (TicketStatus.NEW, TicketStatus.OPEN, TicketStatus.WAITING_ON_FAMILY)
TEXT_VIA = {Via.SMS: Channel.SMS, Via.WHATSAPP: Channel.WHATSAPP}


@dataclass(frozen=True)
class Opened:
    ticket: Ticket
    access_token: str  # for the family's link; shown once, only its hash is kept


def find_family_by_phone(session: Session, phone: str) -> Family | None:
    return session.exec(
        select(Family).where(Family.phone_number == phone).order_by(Family.id.desc())
    ).first()


def find_device_by_serial(session: Session, serial: str) -> Device | None:
    return session.exec(
        select(Device).where(Device.serial_number == "".join(serial.split()).upper())
    ).first()


def open_ticket_for(session: Session, phone: str) -> Ticket | None:
    return session.exec(
        select(Ticket)
        .where(
            Ticket.phone_number == phone,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.merged_into_id.is_(None),
        )
        .order_by(Ticket.id.desc())
    ).first()


def open_ticket(
    session: Session,
    *,
    text: str,
    via: Via,
    category: Category = Category.OTHER,
    phone: str | None = None,
    serial_number: str | None = None,
    language: str | None = None,
    requester: Author = Author.FAMILY,
    organisation_id: int | None = None,
    provider_sid: str | None = None,
    chosen: Choice | None = None,
    now: datetime | None = None,
) -> Opened:
    """A new ticket, linked to the family (by phone) and device (by serial) where they are
    known, routed, with its SLA, and a confirmation to the family in their language.
    `chosen`: the language already chosen for a text (support.language_choice); else it is
    detected, falling back to `language` or the family's."""
    now = now or utcnow()
    family = find_family_by_phone(session, phone) if phone else None
    device = find_device_by_serial(session, serial_number) if serial_number else None
    organisation_id = (
        organisation_id
        or (family.school_id if family else None)
        or (device.holder_id if device else None)
        or ensure_scheme(session).id
    )
    detected: Detection | Choice = chosen or detect_language(
        text, family_language=language or (family.preferred_language if family else None)
    )
    first_due, resolution_due = due_times(now, priority_for(category))
    token, token_hash = new_access_token()
    ticket = Ticket(
        reference=new_reference(),
        access_hash=token_hash,
        organisation_id=organisation_id,
        family_id=family.id if family else None,
        device_id=device.id if device else None,
        requester=requester,
        phone_number=phone,
        via=via,
        category=category,
        language=detected.language,
        language_confidence=detected.confidence,
        language_source=detected.source,
        priority=priority_for(category),
        team=route(session, organisation_id, category),
        first_response_due=first_due,
        resolution_due=resolution_due,
        created_at=now,
        updated_at=now,
    )
    for _attempt in range(5):  # a reference clash is astronomically rare; try another
        nested = session.begin_nested()
        session.add(ticket)
        try:
            nested.commit()
            break
        except IntegrityError:
            nested.rollback()
            ticket.reference = new_reference()
    session.add(
        TicketMessage(
            ticket_id=ticket.id,
            author=requester,
            body=text,
            via=via,
            provider_sid=provider_sid,
            created_at=now,
        )
    )
    if phone:
        channel = TEXT_VIA.get(via, Channel.SMS)
        enqueue(
            session,
            key=f"ticket-received:{ticket.reference}",
            template="ticket-received",
            recipient=Recipient(channel, phone, ticket.language, organisation_id),
            context={"reference": display(ticket.reference), "date": first_due.date()},
            now=now,
        )
    session.flush()
    return Opened(ticket=ticket, access_token=token)


def add_family_message(
    session: Session,
    *,
    ticket: Ticket,
    text: str,
    via: Via,
    provider_sid: str | None = None,
    now: datetime | None = None,
) -> TicketMessage:
    """A family's further message; a ticket waiting on them is open again."""
    now = now or utcnow()
    message = TicketMessage(
        ticket_id=ticket.id,
        author=Author.FAMILY,
        body=text,
        via=via,
        provider_sid=provider_sid,
        created_at=now,
    )
    if ticket.status in (TicketStatus.WAITING_ON_FAMILY, TicketStatus.RESOLVED):
        ticket.status = TicketStatus.OPEN
    ticket.updated_at = now
    session.add_all([message, ticket])
    session.flush()
    return message


def family_can_reply(ticket: Ticket) -> bool:
    """A closed or merged ticket takes no more replies: the family asks again."""
    return ticket.status is not TicketStatus.CLOSED and ticket.merged_into_id is None


def reply_from_family(
    session: Session, *, ticket: Ticket, text: str, now: datetime | None = None
) -> TicketMessage:
    """A family's reply on the follow page joins the thread as a text would."""
    if not family_can_reply(ticket):
        raise Conflict("This request is closed. Send us a new message.")
    return add_family_message(session, ticket=ticket, text=text, via=Via.WEB, now=now)


def ticket_for_text(session: Session, provider_sid: str) -> Ticket | None:
    """The ticket a text with this provider id already joined, if any."""
    return session.exec(
        select(Ticket).join(TicketMessage).where(TicketMessage.provider_sid == provider_sid)
    ).first()


def receive_text(
    session: Session,
    *,
    phone: str,
    text: str,
    via: Via,
    provider_sid: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """A text from a family: it joins their open ticket, or opens a new one. A text the
    provider sends again (the same `provider_sid`) is added once: the unique column
    settles two deliveries at the same moment, the look-up the ordinary replay."""
    if provider_sid and (seen := ticket_for_text(session, provider_sid)) is not None:
        return seen
    nested = session.begin_nested()
    try:
        ticket = _file_text(session, phone=phone, text=text, via=via, sid=provider_sid, now=now)
        nested.commit()
    except IntegrityError:
        nested.rollback()
        seen = ticket_for_text(session, provider_sid) if provider_sid else None
        if seen is None:
            raise
        return seen
    return ticket


def _file_text(
    session: Session, *, phone: str, text: str, via: Via, sid: str | None, now: datetime | None
) -> Ticket:
    now = now or utcnow()
    family = find_family_by_phone(session, phone)
    channel = TEXT_VIA.get(via, Channel.SMS)
    ticket = open_ticket_for(session, phone)
    if ticket is not None:
        message = add_family_message(
            session, ticket=ticket, text=text, via=via, provider_sid=sid, now=now
        )
        text_language.after_family_text(
            session, ticket=ticket, message=message, family=family, channel=channel, now=now
        )
        return ticket
    choice = text_language.choose_for_text(text, family)
    ticket = open_ticket(
        session, text=text, via=via, phone=phone, provider_sid=sid, chosen=choice, now=now
    ).ticket
    text_language.after_opening(
        session, ticket=ticket, choice=choice, family=family, text=text, channel=channel, now=now
    )
    return ticket
