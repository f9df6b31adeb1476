"""The monthly open data job: on the 1st, last month's files are written where the public
endpoint serves them. Thin: open a session, call the publisher."""

from dfc.db import session_scope
from dfc.settings import get_settings
from dfc.worker import celery_app
from reporting.open_data.publish import publish_month


@celery_app.task(name="reporting.open_data.publish")
def publish_open_data() -> str:
    """Writes last month's open data; returns the folder, for the worker's log."""
    with session_scope() as session:
        published = publish_month(session, settings=get_settings())
    return str(published.folder)
