"""The Celery app: background work and the beat schedule.

The broker is CELERY_BROKER_URL: the embedded `filesystem://` broker keeps messages in
files under VAR_DIR (no server needed); production uses Redis.
"""

from datetime import timedelta

from celery import Celery
from celery.schedules import crontab
from kombu import Connection

from dfc.settings import Settings, get_settings

TASK_MODULES = [
    "dfc.tasks",
    "devices.tasks",
    "notifications.tasks",
    "support.tasks",
    "dfc.privacy.tasks",
    "devices.open_data.tasks",
]
HEARTBEAT_EVERY = timedelta(seconds=60)
OUTBOX_SWEEP_EVERY = timedelta(seconds=60)
SLA_CHECK_EVERY = timedelta(minutes=5)
# Retention runs nightly, in the quiet hours and before the daily alerts.
RETENTION_AT = crontab(hour=2, minute=30)
# Last month's open data is written on the 1st, once the month is over.
OPEN_DATA_AT = crontab(day_of_month=1, hour=5, minute=0)


def broker_options(settings: Settings) -> dict:
    """Transport options: the embedded broker's folders, made on first use."""
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return {}
    folder = settings.broker_folder
    (folder / "queue").mkdir(parents=True, exist_ok=True)
    (folder / "control").mkdir(parents=True, exist_ok=True)
    return {
        "data_folder_in": str(folder / "queue"),
        "data_folder_out": str(folder / "queue"),
        "control_folder": str(folder / "control"),
        "store_processed": False,
    }


def beat_schedule(settings: Settings) -> dict:
    """What beat queues: the heartbeat, the outbox sweep (held and retried messages), the
    daily alerts at DAILY_ALERTS_AT, Europe/London time, the nightly retention run and
    last month's open data on the 1st."""
    hour, minute = (int(part) for part in settings.DAILY_ALERTS_AT.split(":"))
    return {
        "worker-heartbeat": {
            "task": "dfc.tasks.record_heartbeat",
            "schedule": HEARTBEAT_EVERY.total_seconds(),
        },
        "sweep-outbox": {
            "task": "notifications.sweep_outbox",
            "schedule": OUTBOX_SWEEP_EVERY.total_seconds(),
        },
        "ticket-sla-alerts": {
            "task": "support.sla_alerts",
            "schedule": SLA_CHECK_EVERY.total_seconds(),
        },
        "daily-alerts": {
            "task": "notifications.daily_alerts",
            "schedule": crontab(hour=hour, minute=minute),
        },
        "daily-retention": {"task": "privacy.retention", "schedule": RETENTION_AT},
        "monthly-open-data": {"task": "devices.open_data.publish", "schedule": OPEN_DATA_AT},
    }


def create_celery(settings: Settings) -> Celery:
    app = Celery("devices_for_children", include=TASK_MODULES)
    app.conf.update(
        broker_url=settings.CELERY_BROKER_URL,
        broker_transport_options=broker_options(settings),
        broker_connection_retry_on_startup=True,
        # A request that queues work must not hang when the broker is down: the outbox
        # sweep picks up whatever could not be queued.
        broker_connection_timeout=2,
        task_publish_retry_policy={
            "max_retries": 1,
            "interval_start": 0,
            "interval_step": 0.5,
            "interval_max": 1,
        },
        task_ignore_result=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        timezone=settings.TIME_ZONE,
        enable_utc=True,
        beat_schedule_filename=str(settings.VAR_DIR / "celerybeat-schedule"),
        beat_schedule=beat_schedule(settings),
    )
    return app


def broker_reachable(settings: Settings, *, timeout: float = 2.0) -> bool:
    """Whether a connection to the broker can be made now (for /readyz)."""
    try:
        with Connection(
            settings.CELERY_BROKER_URL,
            transport_options=broker_options(settings),
            connect_timeout=timeout,
        ) as connection:
            connection.ensure_connection(max_retries=1, timeout=timeout)
        return True
    except Exception:
        return False


celery_app = create_celery(get_settings())
