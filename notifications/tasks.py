"""Celery tasks for messages and alerts. Thin: open a session, call a function."""

import logging

from dfc.db import session_scope
from dfc.db_types import utcnow
from dfc.worker import RETRY_WHEN_DATABASE_BUSY, TEXTS, celery_app
from notifications import scheduled, sending
from notifications.models import Channel

log = logging.getLogger(__name__)


@celery_app.task(name="notifications.send_text", **RETRY_WHEN_DATABASE_BUSY)
def send_text(message_id: int) -> str | None:
    """SMS and WhatsApp, at most SMS_PER_SECOND a second across all workers (notifications.rate)."""
    status = sending.send_one(message_id)
    return status.value if status else None


@celery_app.task(name="notifications.send_email", **RETRY_WHEN_DATABASE_BUSY)
def send_email(message_id: int) -> str | None:
    status = sending.send_one(message_id)
    return status.value if status else None


def send_later(message_id: int, channel: Channel) -> None:
    """Queues the send on the channel's own task, so each channel has its own rate limit."""
    task = send_email if channel is Channel.EMAIL else send_text
    task.delay(message_id)


def texts_in_broker() -> int:
    """How many tasks wait in the broker's texts queue (0 if the broker cannot say)."""
    try:
        with celery_app.connection_for_read() as connection:
            return connection.default_channel.queue_declare(queue=TEXTS, passive=True)[1]
    except Exception:
        log.warning("could not count the texts waiting in the broker", exc_info=True)
        return 0


@celery_app.task(name="notifications.sweep_outbox")
def sweep_outbox() -> int:
    """Queues every message that is due: held ones in the morning, retries, ones whose
    worker died mid-send, and any whose first hand-over to the broker was lost. They are
    marked as handed over first, so a backlog still in the queue is not queued twice."""
    with session_scope() as session:
        due = sending.take_due(session, utcnow(), in_broker=texts_in_broker())
    for queued, (message_id, channel) in enumerate(due):
        try:
            send_later(message_id, channel)
        except Exception:  # the broker went away: the next sweep tries the rest again
            with session_scope() as session:
                sending.forget_hand_over(session, [taken for taken, _ in due[queued:]])
            raise
    return len(due)


@celery_app.task(name="notifications.daily_alerts", **RETRY_WHEN_DATABASE_BUSY)
def daily_alerts() -> int:
    """Every domain's daily alert rule (registered by the domains' task modules, which the
    worker imports)."""
    with session_scope() as session:
        return scheduled.run_daily_rules(session)
