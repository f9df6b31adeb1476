"""Celery tasks of the register. Thin: open a session, call a function."""

import logging

from devices import (
    alerts,  # noqa: F401 (registers the register's daily alert rule)
    check_in_scan,  # noqa: F401 (registers the daily check-ins)
    safeguarding_digest,  # noqa: F401 (registers the safeguarding lead's digest)
)
from devices.imports import recovery
from devices.imports.jobs import run_job
from devices.service import handover_batches
from dfc.db import session_scope
from dfc.db_types import utcnow
from dfc.worker import RETRY_WHEN_DATABASE_BUSY, celery_app

log = logging.getLogger(__name__)


@celery_app.task(name="devices.tasks.run_import", **RETRY_WHEN_DATABASE_BUSY)
def run_import(job_id: int) -> None:
    """Imports an uploaded file in the background; the job records progress and outcome."""
    with session_scope() as session:
        run_job(session, job_id=job_id)
    # The dashboard's figures for the councils it touched: reporting's task, sent by name
    # (reporting sits above the register); it skips a failed import. The import is saved
    # either way: if the broker is down, the nightly run brings the figures up to date.
    try:
        celery_app.send_task("reporting.dashboard.after_import", args=(job_id,))
    except Exception:
        log.exception("could not ask for the dashboard's figures after import %s", job_id)


@celery_app.task(name="devices.tasks.sweep_imports")
def sweep_imports() -> int:
    """Queues again the imports whose worker died, and fails those cut off too often."""
    with session_scope() as session:
        job_ids = recovery.sweep(session, now=utcnow())
    for job_id in job_ids:
        run_import.delay(job_id)
    return len(job_ids)


@celery_app.task(name="devices.tasks.run_handover_batch", **RETRY_WHEN_DATABASE_BUSY)
def run_handover_batch(batch_id: int) -> None:
    """Hands over a batch of devices in the background, each device's outcome kept."""
    with session_scope() as session:
        handover_batches.run(session, batch_id=batch_id)


@celery_app.task(name="devices.tasks.sweep_handover_batches")
def sweep_handover_batches() -> int:
    """Sends again the batches no worker took or whose worker died."""
    with session_scope() as session:
        batch_ids = handover_batches.to_send_again(session, now=utcnow())
    for batch_id in batch_ids:
        run_handover_batch.delay(batch_id)
    return len(batch_ids)
