"""A request's messages as the family reads them (their follow page and the follow API):
an agent's translated reply in the words sent, and the files they sent counted, since the
desk's "(photo)" placeholder is English for staff, not words of theirs."""

import re
from dataclasses import replace

from sqlalchemy import func
from sqlmodel import Session, select

from support.desk import thread
from support.media.models import TicketAttachment
from support.models import Ticket
from support.translation.service import FamilyCopy, as_the_family_reads

# The desk's text for a message that was only files (support.media.attachments.placeholder).
PLACEHOLDER = re.compile(r"\((?:\d+ )?(?:photo|PDF|file)s?(?:, (?:\d+ )?(?:photo|PDF|file)s?)*\)")


def family_thread(session: Session, ticket: Ticket) -> list[FamilyCopy]:
    """The ticket's messages the family can see, each with how many files came with it."""
    messages = as_the_family_reads(thread(session, ticket, include_internal=False))
    counts = dict(
        session.exec(
            select(TicketAttachment.message_id, func.count())
            .where(TicketAttachment.ticket_id == ticket.id)
            .group_by(TicketAttachment.message_id)
        ).all()
    )
    shown = []
    for message in messages:
        files = counts.get(message.id, 0)
        body = "" if files and PLACEHOLDER.fullmatch(message.body) else message.body
        shown.append(replace(message, body=body, files=files))
    return shown
