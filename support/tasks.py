"""Celery tasks of the support desk. Thin: open a session, call a function."""

from dfc.db import session_scope
from dfc.settings import get_settings
from dfc.worker import celery_app
from support import contacts  # noqa: F401 (tells the register's alert texts whom to contact)


@celery_app.task(name="support.sla_alerts")
def sla_alerts() -> int:
    from support.sla_alerts import raise_sla_alerts

    with session_scope() as session:
        return raise_sla_alerts(session, base_url=get_settings().BASE_URL.rstrip("/"))
