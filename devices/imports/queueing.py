"""Handing an uploaded file to the worker: the job is saved first, so the worker finds it;
if the broker cannot take it, the job is removed and the uploader told nothing was saved."""

import logging

from sqlmodel import Session

from devices.imports.jobs import ImportNotQueued, create_job
from devices.imports.reader import Measure, measure
from devices.models import ImportJob, ImportKind
from devices.service.access import require_writer
from dfc.caller import Caller

log = logging.getLogger(__name__)


def queue_import(
    session: Session,
    *,
    caller: Caller,
    kind: ImportKind,
    data: bytes,
    filename: str,
    measured: Measure | None = None,
) -> ImportJob:
    """Saves the file as a job and sends it to the worker; commits. A file over a limit
    (rows, or a workbook's unpacked size) is refused first with ImportRejected."""
    from devices.tasks import run_import  # the task module imports the app's models

    require_writer(caller)
    rows = (measured or measure(data, filename=filename)).rows
    job = create_job(session, caller=caller, kind=kind, filename=filename, data=data, rows=rows)
    session.commit()
    try:
        run_import.delay(job.id)
    except Exception:
        log.exception("could not send import job %s to the broker", job.id)
        session.delete(job)
        session.commit()
        raise ImportNotQueued(
            "The import could not be queued; nothing was saved. Try again."
        ) from None
    return job
