"""The Celery app: background work and the beat schedule.

The broker is CELERY_BROKER_URL: the embedded `filesystem://` broker keeps messages in
files under VAR_DIR (no server needed); production uses Redis.

Work goes to three queues, each with its own workers (docs/operations.md), so a morning of
texts never holds up a heartbeat or an import, and a long import never holds up a text.
The broker is only a doorbell: every message and import is a row in the database first, and
the sweeps find whatever a lost or killed worker dropped.
"""

from datetime import timedelta

from celery import Celery
from celery.schedules import crontab
from kombu import Connection
from sqlalchemy.exc import OperationalError

from dfc.settings import Settings, get_settings

TASK_MODULES = [
    "dfc.tasks",
    "devices.tasks",
    "devices.tasks_moves",
    "notifications.tasks",
    "support.tasks",
    "privacy.tasks",
    "reporting.open_data.tasks",
    "reporting.dashboard.tasks",
]
TEXTS, IMPORTS, HOUSEKEEPING = "texts", "imports", "housekeeping"
QUEUES = (TEXTS, IMPORTS, HOUSEKEEPING)
# Long jobs share the imports queue; the short, frequent ones keep housekeeping moving.
TASK_QUEUES = {
    "notifications.send_text": TEXTS,
    "notifications.send_email": TEXTS,
    "support.fetch_media": TEXTS,
    "devices.tasks.run_import": IMPORTS,
    "devices.tasks.run_handover_batch": IMPORTS,
    "devices.tasks_moves.run_conversion": IMPORTS,
    "notifications.daily_alerts": IMPORTS,
    "reporting.open_data.publish": IMPORTS,
    "reporting.dashboard.nightly": IMPORTS,
    "reporting.dashboard.after_import": IMPORTS,
    "reporting.dashboard.after_conversion": IMPORTS,
    "dfc.tasks.record_heartbeat": HOUSEKEEPING,
    "notifications.sweep_outbox": HOUSEKEEPING,
    "devices.tasks.sweep_imports": HOUSEKEEPING,
    "devices.tasks.sweep_handover_batches": HOUSEKEEPING,
    "support.sla_alerts": HOUSEKEEPING,
    "support.sweep_media": HOUSEKEEPING,
    "privacy.retention": HOUSEKEEPING,
}
HEARTBEAT_EVERY = timedelta(seconds=60)
BROKER_SOCKET_SECONDS = 2
SLA_CHECK_EVERY = timedelta(minutes=5)
MEDIA_SWEEP_EVERY = timedelta(minutes=1)  # families' photos whose fetch is due again
BATCH_SWEEP_EVERY = timedelta(minutes=1)  # handover batches whose worker died
# Retention runs nightly, in the quiet hours and before the daily alerts.
RETENTION_AT = crontab(hour=2, minute=30)
# The dashboard's figures are worked out nightly, after retention has removed what it must.
DASHBOARD_AT = crontab(hour=3, minute=0)
# Last month's open data is written on the 1st, once the month is over.
OPEN_DATA_AT = crontab(day_of_month=1, hour=5, minute=0)


# For tasks whose work is safe to repeat: a database that was busy (SQLite's one writer) or
# briefly unreachable (PostgreSQL restarting) is tried again shortly, not given up on.
RETRY_WHEN_DATABASE_BUSY = {
    "autoretry_for": (OperationalError,),
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 5,
}


def broker_options(settings: Settings) -> dict:
    """Transport options. Redis and RabbitMQ hand a task taken by a worker that died to
    another worker once BROKER_VISIBILITY_SECONDS have passed unacknowledged. The embedded
    broker deletes a task's file when a worker takes it, so a killed worker's tasks are
    gone: the outbox's lease and the import heartbeat bring their work back instead."""
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        # A broker that accepts the connection and then answers nothing (a paused machine)
        # must not hang the request or task handing a text over: the outbox has it anyway.
        return {
            "visibility_timeout": settings.BROKER_VISIBILITY_SECONDS,
            "socket_timeout": BROKER_SOCKET_SECONDS,
            "socket_connect_timeout": BROKER_SOCKET_SECONDS,
        }
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        return {"visibility_timeout": settings.BROKER_VISIBILITY_SECONDS}
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
    """What beat queues: a heartbeat on each queue, the outbox sweep (held, retried and lost
    messages), the import and handover-batch sweeps (work whose worker died), the media
    sweep (families' photos to fetch), the daily alerts at DAILY_ALERTS_AT, Europe/London
    time, the nightly retention run, the dashboard's nightly figures and last month's open
    data on the 1st."""
    hour, minute = (int(part) for part in settings.DAILY_ALERTS_AT.split(":"))
    heartbeats = {
        f"worker-heartbeat-{queue}": {
            "task": "dfc.tasks.record_heartbeat",
            "schedule": HEARTBEAT_EVERY.total_seconds(),
            "args": (queue,),
            "options": {"queue": queue, "expires": HEARTBEAT_EVERY.total_seconds()},
        }
        for queue in QUEUES
    }
    return heartbeats | {
        "sweep-imports": {
            "task": "devices.tasks.sweep_imports",
            "schedule": float(settings.IMPORT_HEARTBEAT_SECONDS),
        },
        "sweep-handover-batches": {
            "task": "devices.tasks.sweep_handover_batches",
            "schedule": BATCH_SWEEP_EVERY.total_seconds(),
        },
        "sweep-outbox": {
            "task": "notifications.sweep_outbox",
            "schedule": float(settings.OUTBOX_SWEEP_SECONDS),
        },
        "ticket-sla-alerts": {
            "task": "support.sla_alerts",
            "schedule": SLA_CHECK_EVERY.total_seconds(),
        },
        "sweep-media": {
            "task": "support.sweep_media",
            "schedule": MEDIA_SWEEP_EVERY.total_seconds(),
        },
        "daily-alerts": {
            "task": "notifications.daily_alerts",
            "schedule": crontab(hour=hour, minute=minute),
        },
        "daily-retention": {"task": "privacy.retention", "schedule": RETENTION_AT},
        "nightly-dashboard": {"task": "reporting.dashboard.nightly", "schedule": DASHBOARD_AT},
        "monthly-open-data": {"task": "reporting.open_data.publish", "schedule": OPEN_DATA_AT},
    }


def create_celery(settings: Settings) -> Celery:
    app = Celery(
        "devices_for_children", include=TASK_MODULES, task_cls="dfc.worker_ack:ReconnectingTask"
    )
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
        task_routes={name: {"queue": queue} for name, queue in TASK_QUEUES.items()},
        task_default_queue=HOUSEKEEPING,
        # A task is acknowledged when done, so one taken by a worker that was killed goes
        # back to the queue (work is idempotent: a message is claimed once, an import runs
        # once); a task that raised is not retried by the broker, our own sweeps do that.
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
