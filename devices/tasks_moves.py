"""The school conversion job: saved first, then handed to the worker; if the broker cannot
take it, the job is removed and the caller told nothing was saved."""

import logging

from sqlmodel import Session

from devices.models import SchoolConversion
from devices.service.conversions import (
    councils_of_conversion,
    create_conversion,
    run_conversion,
)
from dfc.caller import Caller
from dfc.db import session_scope
from dfc.errors import DomainError
from dfc.worker import RETRY_WHEN_DATABASE_BUSY, celery_app

log = logging.getLogger(__name__)


class ConversionNotQueued(DomainError):
    status_code = 503
    code = "not-queued"


@celery_app.task(name="devices.tasks_moves.run_conversion", **RETRY_WHEN_DATABASE_BUSY)
def run_conversion_task(job_id: int) -> None:
    """Moves a school's register to its successor; the job records progress and outcome."""
    with session_scope() as session:
        run_conversion(session, job_id=job_id)
        councils = councils_of_conversion(session, job_id=job_id)
    # The dashboard's figures for both schools' councils: reporting's task, sent by name
    # (reporting sits above the register); if the broker is down, the nightly run does it.
    try:
        if councils:
            celery_app.send_task("reporting.dashboard.after_conversion", args=(councils,))
    except Exception:
        log.exception("could not ask for the dashboard's figures after conversion %s", job_id)


def queue_conversion(session: Session, *, caller: Caller, link_id: int) -> SchoolConversion:
    """Saves the job (commits) and sends it to the worker."""
    job = create_conversion(session, caller=caller, link_id=link_id)
    session.commit()
    try:
        run_conversion_task.delay(job.id)
    except Exception:
        log.exception("could not send school conversion %s to the broker", job.id)
        session.delete(job)
        session.commit()
        raise ConversionNotQueued("The conversion could not be queued; try again.") from None
    return job
