"""The service's Celery app with one task of the test's own that takes a few seconds, so a
test can freeze the broker while it runs and its acknowledgement times out
(tests/faults/test_ack_timeout.py). Run as `celery -A tests.faults.ack_app worker`."""

import os
import time
from pathlib import Path

from dfc.settings import get_settings
from dfc.worker import HOUSEKEEPING, create_celery

app = create_celery(get_settings())


@app.task(name="tests.faults.note", queue=HOUSEKEEPING)
def note(word: str, wait_for: str = "") -> None:
    """Writes `word` to NOTES_FILE when it starts ("word-started") and when it is done,
    after the file `wait_for` appears (the test's signal to finish), if one is named."""
    notes = Path(os.environ["NOTES_FILE"])
    with notes.open("a") as file:
        file.write(f"{word}-started\n")
    while wait_for and not Path(wait_for).exists():
        time.sleep(0.05)
    with notes.open("a") as file:
        file.write(f"{word}\n")
