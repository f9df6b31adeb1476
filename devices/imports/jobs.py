"""Import jobs: a file queued for the worker, run with its uploader's reach, with progress
that can be read while the import's own transaction is still open."""

from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.scoping import scoped
from devices.imports.common import ProgressCallback
from devices.imports.manager_export import import_google_admin, import_intune
from devices.imports.manifest import import_manifest
from devices.imports.recovery import heartbeat, start_run
from devices.imports.usage import import_usage
from devices.models import ImportJob, ImportKind, ImportStatus
from devices.service.access import actor, asker_now, get_scoped, require_writer
from dfc.caller import Caller
from dfc.csv_import import ImportRejected, RowProblem, problems_kept
from dfc.db_types import utcnow
from dfc.errors import DomainError

Importer = Callable[..., Any]
IMPORTERS: dict[ImportKind, Importer] = {
    ImportKind.MANIFEST: import_manifest,
    ImportKind.USAGE: import_usage,
    ImportKind.GOOGLE_ADMIN: import_google_admin,
    ImportKind.INTUNE: import_intune,
}
FINISHED = (ImportStatus.SUCCEEDED, ImportStatus.FAILED)
FILE_PROBLEM_ROW = 0  # a problem with the import as a whole, not with one row


class ImportNotQueued(DomainError):
    """The broker did not take the job; nothing was saved, so the upload can be repeated."""

    status_code = 503
    code = "not-queued"


def create_job(
    session: Session, *, caller: Caller, kind: ImportKind, filename: str, data: bytes, rows: int
) -> ImportJob:
    """A queued job holding the file until the worker has imported it. The caller commits."""
    require_writer(caller)
    job = ImportJob(
        organisation_id=caller.organisation_id,
        kind=kind,
        filename=filename[:255],
        total_rows=rows,
        content=data,
        created_by=actor(caller)[:200],
        created_by_user_id=caller.user_id,
        created_by_api_key_id=caller.api_key_id,
    )
    session.add(job)
    session.flush()
    return job


def get_job(session: Session, *, caller: Caller, job_id: int) -> ImportJob:
    return get_scoped(session, caller, ImportJob, job_id, ImportJob.organisation_id, "import")


def _sqlite_write_pending(session: Session) -> bool:
    """SQLite allows one writer: once the import has written, another session's commit would
    wait for the import to finish, so progress is not recorded until then."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return False
    return bool(connection.connection.dbapi_connection.in_transaction)  # type: ignore[union-attr]


def progress_recorder(session: Session, *, job_id: int) -> ProgressCallback:
    """A progress callback that commits in a session of its own, so readers see it now."""
    engine = session.get_bind().engine

    def record(done: int, total: int) -> None:
        if _sqlite_write_pending(session):
            return
        with Session(engine) as own:
            own.execute(
                update(ImportJob)
                .where(ImportJob.id == job_id)
                .values(processed_rows=done, total_rows=total)
            )
            own.commit()

    return record


def _finish(
    job: ImportJob,
    *,
    status: ImportStatus,
    problems: Sequence[RowProblem] = (),
    problem_count: int = 0,
    summary: dict[str, int] | None = None,
) -> None:
    """Records the outcome; of the problems only the first MAX_IMPORT_PROBLEMS_KEPT are
    stored, with how many there were in all, so the job's page stays small."""
    job.status = status
    job.problems = [
        {"row": p.row, "column": p.column, "message": p.message}
        for p in problems[: problems_kept()]
    ]
    job.problem_count = max(problem_count, len(problems))
    job.summary = summary
    job.content = None  # the file is not kept once it has been dealt with
    job.finished_at = utcnow()
    if summary is not None:
        job.processed_rows = job.total_rows


def _fail(
    session: Session, *, job_id: int, problems: Sequence[RowProblem], problem_count: int = 0
) -> None:
    """Forgets whatever the import wrote, then records why it failed."""
    session.rollback()
    job = session.get_one(ImportJob, job_id)
    _finish(job, status=ImportStatus.FAILED, problems=problems, problem_count=problem_count)
    session.commit()


def _whole_file(message: str, column: str = "-") -> list[RowProblem]:
    return [RowProblem(FILE_PROBLEM_ROW, column, message)]


def run_job(session: Session, *, job_id: int) -> None:
    """Runs a queued import, committing three times: the job is running; the import and
    'succeeded' together; or, after a rollback, 'failed' with why. A job delivered twice
    runs once: a finished job is left alone, a running one with a heartbeat belongs to
    another worker, and a silent one was cut off, so it runs again (see recovery)."""
    job = session.get(ImportJob, job_id)
    if job is None or job.status in FINISHED:
        return
    caller = asker_now(
        session,
        organisation_id=job.organisation_id,
        user_id=job.created_by_user_id,
        api_key_id=job.created_by_api_key_id,
    )
    if caller is None:
        message = "whoever uploaded the file can no longer import it; nothing was saved"
        _fail(session, job_id=job_id, problems=_whole_file(message))
        return
    if not start_run(session, job_id=job_id, now=utcnow()):
        session.rollback()  # another worker is on it, or it ran out of runs (see recovery)
        return
    session.commit()
    session.refresh(job)
    importer, data, filename = IMPORTERS[job.kind], job.content or b"", job.filename
    totals: dict[str, int] = {}
    record = progress_recorder(session, job_id=job_id)

    def progress(done: int, total: int) -> None:
        totals["total"] = total
        record(done, total)

    try:
        with heartbeat(session.get_bind().engine, job_id=job_id):
            summary = importer(
                session, caller=caller, data=data, filename=filename, progress=progress
            )
    except ImportRejected as rejected:
        count = rejected.problem_count
        return _fail(session, job_id=job_id, problems=rejected.problems, problem_count=count)
    except DomainError as error:
        return _fail(
            session, job_id=job_id, problems=_whole_file(error.message, error.field or "-")
        )
    except OperationalError:
        # The database was busy or went away: nothing was saved, and the job is queued
        # again for the task's own retry (or, failing that, the import sweep).
        session.rollback()
        session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id)
            .values(status=ImportStatus.QUEUED, heartbeat_at=None)
        )
        session.commit()
        raise
    except Exception:
        message = "something went wrong on our side; nothing was saved"
        _fail(session, job_id=job_id, problems=_whole_file(message))
        raise
    job.total_rows = totals.get("total", job.total_rows)
    _finish(job, status=ImportStatus.SUCCEEDED, summary=asdict(summary))
    session.commit()


def visible_jobs(caller: Caller) -> SelectOfScalar[ImportJob]:
    """The caller's organisation's uploads (the file itself is never listed)."""
    return scoped(select(ImportJob), caller, ImportJob.organisation_id)
