"""Celery tasks of the wiring package. Thin: open a session, call a function."""

import socket

from dfc import heartbeat
from dfc.db import session_scope
from dfc.worker import celery_app


@celery_app.task(name="dfc.tasks.record_heartbeat")
def record_heartbeat(queue: str = "") -> None:
    """Beat sends one to each queue, so /readyz can tell which queue's workers keep up."""
    name = f"{queue}@{socket.gethostname()}" if queue else socket.gethostname()
    with session_scope() as session:
        heartbeat.record(session, worker=name)
