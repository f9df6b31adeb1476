"""Following a ticket by its reference and a one-time code sent to the family's phone, for a
parent who has the reference but not the link. Answers never say whether a reference exists.
A right code gives a short-lived pass (signed, for a cookie) to the ticket, so the family can
read it and reply without the code again."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from accounts.secrets import secret_hash
from dfc.db_types import utcnow
from dfc.settings import get_settings
from notifications.models import Channel
from notifications.outbox import Recipient, enqueue
from support.models import FollowCode, Ticket
from support.references import display, normalise

CODE_LIFETIME = timedelta(minutes=15)
MOST_TRIES = 5
MOST_CODES = 3  # codes texted for one ticket within CODES_WINDOW
CODES_WINDOW = timedelta(hours=1)
PASS_LIFETIME = timedelta(hours=1)


def send_code(session: Session, *, reference: str, now: datetime | None = None) -> None:
    """Texts a code to the ticket's phone, if there is such a ticket with a phone."""
    now = now or utcnow()
    ticket = session.exec(select(Ticket).where(Ticket.reference == normalise(reference))).first()
    if ticket is None or not ticket.phone_number:
        return
    recent = session.exec(
        select(func.count())
        .select_from(FollowCode)
        .where(FollowCode.ticket_id == ticket.id, FollowCode.expires_at > now - CODES_WINDOW)
    ).one()
    if recent >= MOST_CODES:  # no flood of texts to the family, no endless fresh guesses
        return
    code = f"{secrets.randbelow(1_000_000):06d}"
    follow = FollowCode(
        ticket_id=ticket.id,
        code_hash=secret_hash(f"{ticket.id}:{code}"),
        expires_at=now + CODE_LIFETIME,
    )
    session.add(follow)
    session.flush()
    enqueue(
        session,
        key=f"ticket-code:{ticket.reference}:{follow.id}",
        template="ticket-follow-code",
        now=now,
        recipient=Recipient(
            Channel.SMS, ticket.phone_number, ticket.language, ticket.organisation_id
        ),
        context={"reference": display(ticket.reference), "code": code},
    )


def check_code(
    session: Session, *, reference: str, code: str, now: datetime | None = None
) -> Ticket | None:
    """The ticket if the code is right, live and unused; each try counts against the code."""
    now = now or utcnow()
    ticket = session.exec(select(Ticket).where(Ticket.reference == normalise(reference))).first()
    if ticket is None:
        return None
    live = session.exec(
        select(FollowCode)
        .where(
            FollowCode.ticket_id == ticket.id,
            FollowCode.used_at.is_(None),
            FollowCode.expires_at > now,
            FollowCode.attempts < MOST_TRIES,
        )
        .order_by(FollowCode.id.desc())
    ).first()
    if live is None:
        return None
    live.attempts += 1
    session.add(live)
    if not secrets.compare_digest(live.code_hash, secret_hash(f"{ticket.id}:{code.strip()}")):
        return None
    live.used_at = now
    return ticket


def _signature(ticket_id: int, expires: int) -> str:
    key = get_settings().secret_key().encode()
    return hmac.new(key, f"follow-pass:{ticket_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def follow_pass(ticket: Ticket, *, now: datetime | None = None) -> str:
    """A pass to this ticket for PASS_LIFETIME, given once the right code was entered."""
    expires = int(((now or utcnow()) + PASS_LIFETIME).timestamp())
    return f"{ticket.id}.{expires}.{_signature(ticket.id, expires)}"


def ticket_for_pass(session: Session, value: str, *, now: datetime | None = None) -> Ticket | None:
    """The ticket a live, unaltered pass opens; None for anything else."""
    ticket_id, _dot, rest = value.partition(".")
    expires, _dot, signature = rest.partition(".")
    if not (ticket_id.isdigit() and expires.isdigit()):
        return None
    right = _signature(int(ticket_id), int(expires))
    if not secrets.compare_digest(signature, right):
        return None
    if int(expires) <= (now or utcnow()).timestamp():
        return None
    return session.get(Ticket, int(ticket_id))
