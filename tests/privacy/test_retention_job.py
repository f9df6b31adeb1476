"""The nightly job and the command: beat queues retention every night, the task applies
the rules at the real time, and `dfc retention [--dry-run]` prints the report."""

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
from celery.schedules import crontab
from sqlmodel import Session

from tests.factories import make_council, make_school
from tests.privacy.test_retention import family_with_device, fresh, is_erased


@pytest.fixture
def school(session: Session):
    return make_school(session, council=make_council(session))


def test_the_beat_schedule_runs_retention_every_night():
    from dfc.settings import get_settings
    from dfc.worker import TASK_MODULES, beat_schedule, celery_app
    from privacy.tasks import apply_retention

    entry = beat_schedule(get_settings())["daily-retention"]
    assert entry["task"] == apply_retention.name == "privacy.retention"
    assert isinstance(entry["schedule"], crontab)
    assert "privacy.tasks" in TASK_MODULES and "privacy.retention" in celery_app.tasks


def test_the_task_applies_the_rules_now(session, school):
    from privacy.tasks import apply_retention

    family = family_with_device(session, school, returned_on=date.today() - timedelta(days=400))
    family.created_at = datetime.now(UTC) - timedelta(days=800)
    session.add(family)
    session.commit()
    assert apply_retention()["family-contact"] == 1
    assert is_erased(fresh(session, family))


def dfc_command(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dfc", *arguments],
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_cli_prints_the_report_and_a_dry_run_changes_nothing(session, school):
    family = family_with_device(session, school, returned_on=date.today() - timedelta(days=400))
    family.created_at = datetime.now(UTC) - timedelta(days=800)
    session.add(family)
    session.commit()

    dry = dfc_command("retention", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "family-contact: would change 1" in dry.stdout
    assert not is_erased(fresh(session, family))

    real = dfc_command("retention")
    assert real.returncode == 0, real.stderr
    assert "family-contact: changed 1" in real.stdout
    assert is_erased(fresh(session, family))
