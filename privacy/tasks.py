"""The daily retention job. Thin: open a session, run the rules, return the counts."""

from dfc.db import session_scope
from dfc.worker import celery_app
from privacy import agreement_alerts  # noqa: F401 (registers the agreements' daily rule)


@celery_app.task(name="privacy.retention")
def apply_retention() -> dict[str, int]:
    """Erase whatever has passed its retention period (logged with counts per rule)."""
    from privacy.retention import run

    with session_scope() as session:
        return run(session).counts
