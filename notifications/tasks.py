"""Celery tasks for messages and alerts. Thin: open a session, call a function."""

from dfc.db import session_scope
from dfc.db_types import utcnow
from dfc.settings import get_settings
from dfc.worker import celery_app
from notifications import sending


@celery_app.task(
    name="notifications.send_message", rate_limit=f"{get_settings().SMS_PER_SECOND:g}/s"
)
def send_message(message_id: int) -> str | None:
    status = sending.send_one(message_id)
    return status.value if status else None


@celery_app.task(name="notifications.sweep_outbox")
def sweep_outbox() -> int:
    """Queues every message that is due: held ones in the morning, retries, and any whose
    first hand-over to the worker was lost."""
    with session_scope() as session:
        ids = sending.due_ids(session, utcnow())
    for message_id in ids:
        send_message.delay(message_id)
    return len(ids)


@celery_app.task(name="notifications.daily_alerts")
def daily_alerts() -> int:
    from notifications.alerts import run_daily_alerts

    with session_scope() as session:
        return run_daily_alerts(session)
