"""Import jobs whose worker died. A running job beats every IMPORT_HEARTBEAT_SECONDS; one
silent for four beats has lost its worker (killed, out of memory, the machine restarted) and
is queued again, at most IMPORT_MAX_RUNS times, then marked failed. Its import never
committed, so nothing of it was saved. The database decides, not the broker: the embedded
broker forgets a killed worker's tasks, and Redis returns them only after a timeout."""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, or_, update
from sqlmodel import Session, select

from devices.models import ImportJob, ImportStatus
from dfc.db_types import utcnow
from dfc.settings import get_settings

log = logging.getLogger(__name__)
SILENT_BEATS = 4
FILE_PROBLEM_ROW = 0


def _beat() -> timedelta:
    return timedelta(seconds=get_settings().IMPORT_HEARTBEAT_SECONDS)


def _silent(now: datetime):
    """Running, with no sign of life for four beats."""
    return (ImportJob.status == ImportStatus.RUNNING) & or_(
        ImportJob.heartbeat_at.is_(None), ImportJob.heartbeat_at < now - SILENT_BEATS * _beat()
    )


def start_run(session: Session, *, job_id: int, now: datetime) -> bool:
    """Marks the job running for this worker if it is queued, or running but silent with
    runs to spare; only one worker can win. The caller commits."""
    result = session.execute(
        update(ImportJob)
        .where(
            ImportJob.id == job_id,
            (ImportJob.status == ImportStatus.QUEUED)
            | (_silent(now) & (ImportJob.runs < get_settings().IMPORT_MAX_RUNS)),
        )
        .values(status=ImportStatus.RUNNING, runs=ImportJob.runs + 1, heartbeat_at=now)
    )
    return result.rowcount == 1


@contextmanager
def heartbeat(engine: Engine, *, job_id: int) -> Iterator[None]:
    """Beats for the job from a thread of its own, in a session of its own, while the
    import works in the caller's."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(_beat().total_seconds()):
            try:
                with Session(engine) as session:
                    session.execute(
                        update(ImportJob)
                        .where(ImportJob.id == job_id, ImportJob.status == ImportStatus.RUNNING)
                        .values(heartbeat_at=utcnow())
                    )
                    session.commit()
            except Exception:  # a missed beat is retried; four in a row make the job stale
                log.warning("could not record import %s's heartbeat", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"import-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def sweep(session: Session, *, now: datetime) -> list[int]:
    """Ids of jobs to hand to the broker again: running ones whose worker fell silent (with
    runs to spare) and queued ones no worker took for BROKER_VISIBILITY_SECONDS. Silent jobs
    out of runs are failed here. The caller commits, then queues the ids."""
    settings = get_settings()
    out_of_runs = _silent(now) & (ImportJob.runs >= settings.IMPORT_MAX_RUNS)
    message = (
        f"the import stopped {settings.IMPORT_MAX_RUNS} times before it finished (the worker "
        "was stopped or ran out of memory); nothing was saved. Try again, or split the file"
    )
    session.execute(
        update(ImportJob)
        .where(out_of_runs)
        .values(
            status=ImportStatus.FAILED,
            problems=[{"row": FILE_PROBLEM_ROW, "column": "-", "message": message}],
            problem_count=1,
            content=None,
            finished_at=now,
        )
    )
    untaken = (ImportJob.status == ImportStatus.QUEUED) & (
        func.coalesce(ImportJob.heartbeat_at, ImportJob.created_at)
        < now - timedelta(seconds=settings.BROKER_VISIBILITY_SECONDS)
    )
    ids = list(session.exec(select(ImportJob.id).where(_silent(now) | untaken)))
    if ids:
        # Marked now, so the next sweep leaves them to the broker for a while.
        session.execute(
            update(ImportJob)
            .where(ImportJob.id.in_(ids), ImportJob.status == ImportStatus.QUEUED)
            .values(heartbeat_at=now)
        )
        log.warning("import jobs %s lost their worker; queued again", ids)
    return ids
