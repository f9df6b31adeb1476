"""Hands new messages to the worker once their transaction has committed. If the broker is
down nothing is lost: the message is already in the outbox and the sweep sends it."""

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from notifications.models import OutboxMessage

log = logging.getLogger(__name__)
PENDING_KEY = "outbox_ids_to_send"


def send_after_commit(session: Session, message: OutboxMessage) -> None:
    session.info.setdefault(PENDING_KEY, []).append((message.id, message.channel))


@event.listens_for(Session, "after_commit")
def _queue_sends(session: Session) -> None:
    ids = session.info.pop(PENDING_KEY, [])
    if not ids:
        return
    from notifications.tasks import send_later  # the task module imports this one

    for message_id, channel in ids:
        try:
            send_later(message_id, channel)
        except Exception:
            log.warning("could not queue message %s now; the sweep will send it", message_id)


@event.listens_for(Session, "after_rollback")
def _forget_sends(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)
