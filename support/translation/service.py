"""The desk's translation rules. A family's text is stored as it came, whatever the
translation service does, and gets its English when staff read the ticket (tried again at
each reading until the service answers). An agent's free-text reply to a family that reads
another language is machine translated before anything is saved; if it cannot be, nothing
is sent and the agent chooses: try again, or send it as written, deliberately."""

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session

from dfc.db_types import utcnow
from dfc.errors import DomainError, InvalidInput
from support.language_names import english_name
from support.models import Author, Ticket, TicketMessage, Via
from support.retention import REMOVED_TEXT
from support.translation import client
from support.translation.client import TranslationFailed

log = logging.getLogger(__name__)
MACHINE = "machine"
ENGLISH = "en"


class TranslationUnavailable(DomainError):
    """The reply could not be translated, so it was not sent: try again, or send it as
    written."""

    status_code = 503
    code = "translation-failed"


def is_english(language: str) -> bool:
    return language.split("-")[0].lower() == ENGLISH


def provider_name() -> str | None:
    """The translation service's host, or None when none is set."""
    service = client.provider()
    return service.name if service else None


def _marks(service: client.Provider, source: str, target: str, now: datetime) -> dict[str, Any]:
    return {
        "translated_from": source,
        "translated_to": target,
        "translated_by": MACHINE,
        "translation_provider": service.name,
        "translated_at": now,
    }


def reply_translation(
    ticket: Ticket, text: str, *, send_as_written: bool, now: datetime
) -> dict[str, Any]:
    """The translation columns for an agent's free-text reply to the family: none when the
    family reads English or the agent sends it as written. Refuses, before anything is
    saved, a reply that would otherwise go untranslated to a family that reads another
    language."""
    if send_as_written or is_english(ticket.language):
        return {}
    language = english_name(ticket.language)
    service = client.provider()
    if service is None:
        raise InvalidInput(
            f"This family reads {language}; no translation service is set, so your reply would "
            f"go in English. Send it as written (send_as_written) if that is what you mean, "
            f"or choose a ready-made reply, which is sent in {language}",
            field="send_as_written",
        )
    try:
        [translated] = client.translate(service, [text], source=ENGLISH, target=ticket.language)
    except TranslationFailed as failure:
        log.warning("translating a reply into %s failed: %s", ticket.language, failure.reason)
        raise TranslationUnavailable(
            f"Nothing was sent: the translation service {failure.reason}. Try again, or send "
            f"your reply as written (send_as_written), untranslated, if the family can read it",
            field="text",
        ) from None
    return {"translated_text": translated, **_marks(service, ENGLISH, ticket.language, now)}


def fill_english(
    session: Session, ticket: Ticket, messages: list[TicketMessage], *, now: datetime | None = None
) -> str | None:
    """English beside each of the family's texts on a ticket in another language that has
    none yet, in one request. Answers why there is none when the service failed; the texts
    stay as they are, to be tried again the next time the ticket is read. The caller
    commits."""
    if is_english(ticket.language):
        return None
    waiting = [
        message
        for message in messages
        if message.author is Author.FAMILY
        and message.translated_text is None
        and message.body != REMOVED_TEXT
    ]
    service = client.provider()
    if not waiting or service is None:
        return None
    try:
        english = client.translate(
            service, [message.body for message in waiting], source=ticket.language, target=ENGLISH
        )
    except TranslationFailed as failure:
        log.warning("translating ticket %s into English failed: %s", ticket.id, failure.reason)
        return (
            f"The translation service {failure.reason}. It is tried again each time the "
            "ticket is opened."
        )
    marks = _marks(service, ticket.language, ENGLISH, now or utcnow())
    for message, text in zip(waiting, english, strict=True):
        for name, value in {"translated_text": text, **marks}.items():
            setattr(message, name, value)
        session.add(message)
    session.flush()
    return None


@dataclass(frozen=True)
class FamilyCopy:
    """A message as the family has it: an agent's translated reply in the words sent."""

    id: int
    author: Author
    body: str
    via: Via
    created_at: datetime
    internal: bool = False
    files: int = 0  # photos and files that came with it (support.family_thread)


def family_text(message: TicketMessage) -> str:
    """The words the family got or wrote: a translated reply's translation, else the body."""
    if message.author is not Author.FAMILY and message.translated_to and message.translated_text:
        return message.translated_text
    return message.body


def as_the_family_reads(messages: list[TicketMessage]) -> list[FamilyCopy]:
    return [
        FamilyCopy(
            id=message.id,
            author=message.author,
            body=family_text(message),
            via=message.via,
            created_at=message.created_at,
            internal=message.internal,
        )
        for message in messages
    ]
