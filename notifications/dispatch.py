"""Hands new messages to the worker once the outermost transaction has committed, and never
before: a worker that looked for a message its sender had not yet committed would find
nothing. A savepoint that commits passes its messages up to the transaction around it; one
that rolls back forgets them. If the broker is down nothing is lost: the message is already
in the outbox, and the sweep sends it."""

import logging
import time

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from notifications.models import Channel, OutboxMessage

log = logging.getLogger(__name__)
PENDING_KEY = "outbox_ids_to_send"
Pending = dict[SessionTransaction, list[tuple[int, Channel]]]


def _pending(session: Session) -> Pending:
    return session.info.setdefault(PENDING_KEY, {})


def _current(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def send_after_commit(session: Session, message: OutboxMessage) -> None:
    """Queue `message` for sending once whatever transaction it was written in commits."""
    send_many_after_commit(session, [(message.id, message.channel)])


def send_many_after_commit(session: Session, messages: list[tuple[int, Channel]]) -> None:
    """The same for many messages at once (ids and channels, as a bulk insert returns them)."""
    if not messages:
        return
    transaction = _current(session)
    if transaction is None:  # written outside a transaction: already committed
        _hand_over(list(messages))
        return
    _pending(session).setdefault(transaction, []).extend(messages)


@event.listens_for(Session, "after_commit")
def _on_commit(session: Session) -> None:
    pending = session.info.get(PENDING_KEY)
    committed = _current(session)
    if not pending or committed is None or committed not in pending:
        return
    messages = pending.pop(committed)
    if committed.nested and committed.parent is not None:
        pending.setdefault(committed.parent, []).extend(messages)
    else:
        _hand_over(messages)


@event.listens_for(Session, "after_transaction_end")
def _forget_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """Whatever is still pending for a transaction that ended was rolled back."""
    pending = session.info.get(PENDING_KEY)
    if pending is None:
        return
    pending.pop(transaction, None)
    if not pending:
        session.info.pop(PENDING_KEY, None)


# After the broker fails once, this process leaves hand-overs to the sweep for a while, so a
# broker that is down or frozen costs one timeout, not one for every text made meanwhile.
BROKER_REST_SECONDS = 30.0
_broker_failed_at: float | None = None


def _hand_over(messages: list[tuple[int, Channel]]) -> None:
    global _broker_failed_at
    from notifications.tasks import send_later  # the task module imports this one

    for position, (message_id, channel) in enumerate(messages):
        failed = _broker_failed_at
        if failed is not None and time.monotonic() - failed < BROKER_REST_SECONDS:
            log.warning("broker unavailable: %s message(s) left to the sweep", len(messages))
            return
        try:
            send_later(message_id, channel)
            _broker_failed_at = None
        except Exception:
            _broker_failed_at = time.monotonic()
            left = len(messages) - position
            log.warning("could not queue %s message(s) now; the sweep will send them", left)
            return
