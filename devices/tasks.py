"""Celery tasks of the register. Thin: open a session, call a function."""

from devices.imports.jobs import run_job
from dfc.db import session_scope
from dfc.worker import celery_app


@celery_app.task(name="devices.tasks.run_import")
def run_import(job_id: int) -> None:
    """Imports an uploaded file in the background; the job records progress and outcome."""
    with session_scope() as session:
        run_job(session, job_id=job_id)
