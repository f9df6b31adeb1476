"""The dashboard's figures, computed by the worker: nightly for the whole scheme, and for
the councils an import touched once it has finished. Thin: open a session, call the service."""

from dfc.clock import today
from dfc.db import session_scope
from dfc.db_types import utcnow
from dfc.worker import RETRY_WHEN_DATABASE_BUSY, celery_app
from reporting.dashboard.refresh import councils_of_import
from reporting.dashboard.summaries import refresh_summaries

NIGHTLY = "reporting.dashboard.nightly"
AFTER_IMPORT = "reporting.dashboard.after_import"
AFTER_CONVERSION = "reporting.dashboard.after_conversion"


@celery_app.task(name=NIGHTLY, **RETRY_WHEN_DATABASE_BUSY)
def compute_nightly() -> int:
    """Every organisation's figures, as of today; returns how many organisations."""
    with session_scope() as session:
        return refresh_summaries(session, today=today(), now=utcnow()).organisations


@celery_app.task(name=AFTER_IMPORT, **RETRY_WHEN_DATABASE_BUSY)
def compute_after_import(job_id: int) -> int:
    """The figures of the councils import job `job_id` touched (none if it failed), in one
    transaction; returns how many organisations were computed."""
    with session_scope() as session:
        councils = councils_of_import(session, job_id=job_id)
        scopes = [None] if councils.everything else list(councils.ids)
        day, now = today(), utcnow()
        return sum(
            refresh_summaries(session, council_id=council_id, today=day, now=now).organisations
            for council_id in scopes
        )


@celery_app.task(name=AFTER_CONVERSION, **RETRY_WHEN_DATABASE_BUSY)
def compute_after_conversion(council_ids: list[int]) -> int:
    """The figures of the councils whose school passed its register to a successor."""
    with session_scope() as session:
        day, now = today(), utcnow()
        return sum(
            refresh_summaries(session, council_id=council_id, today=day, now=now).organisations
            for council_id in sorted(set(council_ids))
        )
