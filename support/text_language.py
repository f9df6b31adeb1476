"""A family's text and its language (the rule is support.language_choice's): a new ticket
from a family we cannot place asks them for their language; a text that names one sets the
ticket's and the family's, and is confirmed in it; a clear text on a ticket we were unsure
of settles the ticket's language."""

from datetime import datetime

from sqlmodel import Session

from devices.models import Family
from notifications.models import Channel
from notifications.outbox import Recipient, enqueue
from support.language import DEFAULT, DETECTED
from support.language_changes import FAMILY_BY_TEXT, record_change
from support.language_choice import NAMED, WORD, Choice, choose_language, invitation
from support.models import Ticket, TicketMessage

QUOTED = 60  # of the family's own words kept in the reason


def choose_for_text(text: str, family: Family | None) -> Choice:
    return choose_language(text, family_language=family.preferred_language if family else None)


def after_opening(
    session: Session,
    *,
    ticket: Ticket,
    choice: Choice,
    family: Family | None,
    text: str,
    channel: Channel,
    now: datetime,
) -> None:
    """A text that named a language opened the ticket: the family's language is that one
    now (the ticket's confirmation is already in it). A text we could not place: the
    confirmation went in English, and one more line asks in the likely languages."""
    if choice.source == NAMED:
        record_change(
            session,
            ticket=ticket,
            to_language=choice.language,
            source=NAMED,
            changed_by=FAMILY_BY_TEXT,
            reason=f'The family named it in a text: "{text[:QUOTED]}"',
            family=family,
            opened_by_it=True,
            now=now,
        )
    elif choice.ask and ticket.phone_number:
        enqueue(
            session,
            key=f"language-question:{ticket.reference}",
            template="language-question",
            recipient=_recipient(ticket, channel),
            context={"invitation": invitation(choice.ask)},
            now=now,
        )


def after_family_text(
    session: Session,
    *,
    ticket: Ticket,
    message: TicketMessage,
    family: Family | None,
    channel: Channel,
    now: datetime,
) -> None:
    """A further text on an open ticket. Naming a language sets the ticket's and the
    family's; on a ticket whose language we only defaulted to, a confident detection or a
    word for help sets the ticket's. Either is confirmed in the new language."""
    choice = choose_language(message.body, family_language=None)
    if choice.source == NAMED:
        reason = f'The family named it in a text: "{message.body[:QUOTED]}"'
    elif ticket.language_source == DEFAULT and choice.source in (DETECTED, WORD):
        reason = f'The family wrote in it, when we did not know: "{message.body[:QUOTED]}"'
        family = None  # only the family naming it changes their recorded language
    else:
        return
    change = record_change(
        session,
        ticket=ticket,
        to_language=choice.language,
        source=choice.source,
        changed_by=FAMILY_BY_TEXT,
        reason=reason,
        family=family,
        now=now,
    )
    # Naming the language they already have is still answered: they asked.
    if ticket.phone_number and (change is not None or choice.source == NAMED):
        enqueue(
            session,
            key=f"language-set:{ticket.reference}:{message.id}",
            template="language-set",
            recipient=_recipient(ticket, channel),
            context={},
            now=now,
        )


def _recipient(ticket: Ticket, channel: Channel) -> Recipient:
    return Recipient(channel, ticket.phone_number or "", ticket.language, ticket.organisation_id)
