"""The outbox's retention rule (see privacy.retention): a finished message's rendered
text, subject, recipient, template values and provider error are removed after
RETAIN_OUTBOX_BODY_DAYS; its channel, status, segment count and times stay, so delivery
figures never change."""

from typing import TYPE_CHECKING

from sqlalchemy import Select, or_, select, update
from sqlmodel import Session

from notifications.models import MessageStatus, OutboxMessage

if TYPE_CHECKING:
    from dfc.personal_data.cutoff import Cutoff

# Never a message still to be sent: its body is what will be sent.
FINISHED = (
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.FAILED,
    MessageStatus.CANCELLED,
)


def messages_due(cutoff: "Cutoff") -> Select:
    """Finished messages written before the cutoff that still hold personal data."""
    return select(OutboxMessage.id).where(
        OutboxMessage.status.in_(FINISHED),
        OutboxMessage.created_at < cutoff.at,
        or_(
            OutboxMessage.body != "",
            OutboxMessage.recipient != "",
            OutboxMessage.subject.is_not(None),
            OutboxMessage.error.is_not(None),
            OutboxMessage.variables.is_not(None),
        ),
    )


def purge_messages(session: Session, ids: list[int]) -> int:
    return session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids))
        .values(body="", recipient="", subject=None, error=None, variables=None)
        .execution_options(synchronize_session=False)
    ).rowcount
