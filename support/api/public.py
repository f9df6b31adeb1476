"""No account needed: a family raises a ticket, then follows it by its private link."""

from fastapi import APIRouter, status
from sqlmodel import select

from accounts.deps import SessionDep
from accounts.secrets import secret_hash
from dfc.errors import NotFound
from dfc.settings import get_settings
from notifications import consent
from support import follow as follow_codes
from support.family_thread import family_thread
from support.models import Ticket, Via
from support.references import display
from support.schemas import (
    CodeCheck,
    CodeRequest,
    CodeSent,
    FamilyMessage,
    FamilyView,
    TicketOpened,
    TicketRequest,
)
from support.tickets import open_ticket

router = APIRouter(prefix="/api/support", tags=["support: families"])


@router.post("/tickets", status_code=status.HTTP_201_CREATED)
def raise_ticket(body: TicketRequest, session: SessionDep) -> TicketOpened:
    """Opens a ticket and answers with its reference and the family's private link."""
    opened = open_ticket(
        session,
        text=body.message,
        via=Via.WEB,
        category=body.category,
        phone=body.phone_number,
        serial_number=body.serial_number,
        language=body.language,
    )
    session.commit()
    base = get_settings().BASE_URL.rstrip("/")
    return TicketOpened(
        reference=display(opened.ticket.reference),
        follow_url=f"{base}/help/t/{opened.access_token}",
    )


def _family_view(session: SessionDep, ticket: Ticket) -> FamilyView:
    return FamilyView(
        reference=display(ticket.reference),
        status=ticket.status,
        category=ticket.category,
        messages=[FamilyMessage.model_validate(m) for m in family_thread(session, ticket)],
    )


@router.get("/follow/{token}")
def follow(token: str, session: SessionDep) -> FamilyView:
    """The family's view of its ticket; a wrong or guessed link finds nothing."""
    ticket = session.exec(select(Ticket).where(Ticket.access_hash == secret_hash(token))).first()
    if ticket is None:
        raise NotFound("No ticket for this link")
    return _family_view(session, ticket)


@router.post("/codes", status_code=status.HTTP_202_ACCEPTED)
def send_code(body: CodeRequest, session: SessionDep) -> CodeSent:
    """Texts a one-time code to the phone on the ticket. The answer is the same whether or
    not the reference exists, so references cannot be tested for. With the family's own
    `phone_number`, it also says whether texts to that number are off (STOP), which depends
    on the number alone."""
    follow_codes.send_code(session, reference=body.reference)
    session.commit()
    start = consent.opt_in_number() or None
    where = f"text START to {start}" if start else "text START to the number our texts came from"
    if body.phone_number is None:
        return CodeSent(
            detail="If the reference is right, a code is on its way to the phone on it. "
            f"If STOP was sent to us from that phone, texts to it are off: {where}, then ask "
            "again",
            start_number=start,
        )
    if consent.is_opted_out(session, body.phone_number):
        return CodeSent(
            detail=f"Texts to that number are off because STOP was sent from it: {where}, "
            "then ask again",
            texts_off=True,
            start_number=start,
        )
    return CodeSent(
        detail="If the reference is right, a code is on its way to the phone on it",
        texts_off=False,
        start_number=start,
    )


@router.post(
    "/codes/check",
    responses={404: {"description": "The reference or code is not right, or has expired"}},
)
def check_code(body: CodeCheck, session: SessionDep) -> FamilyView:
    ticket = follow_codes.check_code(session, reference=body.reference, code=body.code)
    session.commit()  # the try counts even when it fails
    if ticket is None:
        raise NotFound("The reference or code is not right, or the code has expired")
    return _family_view(session, ticket)
