"""A family's answer to a "still have it?" check-in, read before the consent keywords and the
desk: "yes" (in English or their language) is thanked; "no" or "help" opens a ticket, or
joins the one they have open, linked to the device, with a note saying what was asked."""

from datetime import datetime

from sqlmodel import Session

from devices.check_in_scan import THANKS
from devices.models import CheckInAnswer
from devices.service import check_ins
from notifications.outbox import Recipient, enqueue
from support.models import Author, TicketMessage, Via
from support.tickets import TEXT_VIA, receive_text

NOTES = {
    CheckInAnswer.NO: "Check-in reply: the child no longer has the device, or it does not work.",
    CheckInAnswer.HELP: "Check-in reply: the family asks for help with the device.",
}


def answer_check_in(
    session: Session,
    *,
    phone: str,
    body: str,
    via: Via,
    provider_sid: str | None,
    now: datetime,
) -> bool:
    """True when the text answered the family's open check-ins (or already did: a replay)."""
    if check_ins.answered_by(session, provider_sid):
        return True
    answered = check_ins.record_answer(
        session, phone=phone, body=body, provider_sid=provider_sid, now=now
    )
    if answered is None:
        return False
    if answered.answer is CheckInAnswer.YES:
        enqueue(
            session,
            key=f"{THANKS}:{provider_sid or phone + ':' + now.isoformat()}",
            template=THANKS,
            recipient=Recipient(TEXT_VIA.get(via), phone, answered.language),
            context={},
            now=now,
        )
        return True
    ticket = receive_text(
        session, phone=phone, text=body, via=via, provider_sid=provider_sid, now=now
    )
    if ticket.device_id is None:
        ticket.device_id = answered.device_id
    session.add_all(
        [
            ticket,
            TicketMessage(
                ticket_id=ticket.id,
                author=Author.SYSTEM,
                body=NOTES[answered.answer],
                internal=True,
                via=via,
                created_at=now,
            ),
        ]
    )
    check_ins.link_ticket(session, answered.check_in_ids, ticket.id)
    session.flush()
    return True
