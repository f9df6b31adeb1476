"""Celery tasks of the support desk. Thin: open a session, call a function."""

from dfc.db import session_scope
from dfc.db_types import utcnow
from dfc.settings import get_settings
from dfc.worker import RETRY_WHEN_DATABASE_BUSY, celery_app
from support import contacts  # noqa: F401 (tells the register's alert texts whom to contact)


@celery_app.task(name="support.sla_alerts")
def sla_alerts() -> int:
    from support.sla_alerts import raise_sla_alerts

    with session_scope() as session:
        return raise_sla_alerts(session, base_url=get_settings().BASE_URL.rstrip("/"))


@celery_app.task(name="support.fetch_media", **RETRY_WHEN_DATABASE_BUSY)
def fetch_media(attachment_id: int) -> str | None:
    """One photo or file a family sent: fetched from Twilio, checked and stored."""
    from support.media.attachments import fetch_one

    status = fetch_one(attachment_id)
    return status.value if status else None


@celery_app.task(name="support.sweep_media")
def sweep_media() -> int:
    """Queues every file still waiting whose time has come: retries, and any whose first
    hand-over to the broker or whose worker was lost."""
    from support.media.attachments import hand_over, take_due

    with session_scope() as session:
        due = take_due(session, utcnow())
    hand_over(due)
    return len(due)
