"""An import whose worker died is never 'running' for good: it is run again from its
heartbeat, at most IMPORT_MAX_RUNS times, then failed with why; a second delivery of a job
another worker is running does nothing."""

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, func, select

from accounts.models import Role
from devices.imports import jobs, recovery
from devices.models import Device
from devices.models.imports import ImportJob, ImportStatus
from dfc.db_types import utcnow
from dfc.settings import get_settings
from tests.devices.test_imports import many_devices, queued_job
from tests.factories import make_council, make_school, make_user

BEAT = timedelta(seconds=get_settings().IMPORT_HEARTBEAT_SECONDS)


@pytest.fixture
def school(session: Session):
    return make_school(session, council=make_council(session))


@pytest.fixture
def officer(session: Session, school):
    return make_user(session, organisation=school, role=Role.SCHOOL_STAFF)


def devices(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Device)).one()


def running(session: Session, job: ImportJob, *, beat_at, runs: int = 1) -> ImportJob:
    """The job as a worker left it: running, last heard of at `beat_at`."""
    job.status, job.heartbeat_at, job.runs = ImportStatus.RUNNING, beat_at, runs
    session.add(job)
    session.commit()
    return job


def test_a_second_delivery_of_a_job_another_worker_is_running_does_nothing(
    session, school, officer
):
    job = running(session, queued_job(session, officer, many_devices(school, 3)), beat_at=utcnow())
    jobs.run_job(session, job_id=job.id)
    session.expire_all()
    assert (job.status, job.runs, devices(session)) == (ImportStatus.RUNNING, 1, 0)
    assert recovery.sweep(session, now=utcnow()) == []


def test_a_job_whose_worker_fell_silent_is_queued_again_and_then_runs_once(
    session, school, officer
):
    job = queued_job(session, officer, many_devices(school, 5))
    running(session, job, beat_at=utcnow() - 5 * BEAT)
    assert recovery.sweep(session, now=utcnow()) == [job.id]
    session.commit()
    jobs.run_job(session, job_id=job.id)
    session.expire_all()
    assert (job.status, job.runs, devices(session)) == (ImportStatus.SUCCEEDED, 2, 5)
    jobs.run_job(session, job_id=job.id)  # the broker's own late redelivery
    assert devices(session) == 5


def test_a_job_cut_off_too_often_fails_saying_what_to_do(session, school, officer):
    job = queued_job(session, officer, many_devices(school, 5))
    runs = get_settings().IMPORT_MAX_RUNS
    running(session, job, beat_at=utcnow() - 5 * BEAT, runs=runs)
    assert recovery.sweep(session, now=utcnow()) == []
    session.commit()
    session.expire_all()
    assert job.status is ImportStatus.FAILED
    assert f"stopped {runs} times" in job.problems[0]["message"]
    assert "nothing was saved" in job.problems[0]["message"]
    assert job.content is None and job.finished_at is not None
    jobs.run_job(session, job_id=job.id)
    assert devices(session) == 0


def test_a_queued_job_no_worker_took_is_handed_to_the_broker_again_once_a_while(
    session, school, officer
):
    job = queued_job(session, officer, many_devices(school, 2))
    wait = timedelta(seconds=get_settings().BROKER_VISIBILITY_SECONDS)
    assert recovery.sweep(session, now=utcnow()) == []
    later = utcnow() + wait + timedelta(seconds=1)
    assert recovery.sweep(session, now=later) == [job.id]
    session.commit()
    assert recovery.sweep(session, now=later + timedelta(seconds=1)) == []


def test_a_running_job_beats_while_the_import_works(session, school, officer, monkeypatch):
    monkeypatch.setenv("IMPORT_HEARTBEAT_SECONDS", "1")
    get_settings.cache_clear()
    try:
        job = running(session, queued_job(session, officer, []), beat_at=utcnow() - BEAT)
        before = job.heartbeat_at
        with recovery.heartbeat(session.get_bind().engine, job_id=job.id):
            time.sleep(2.5)
        session.expire_all()
        assert job.heartbeat_at > before
    finally:
        get_settings.cache_clear()


def _dfc(*arguments: str, env: dict[str, str], log: Path) -> subprocess.Popen:
    """A `dfc` process whose output goes to `log`, shown if the test fails."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "dfc", *arguments],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _show_logs(directory: Path) -> None:
    for log in sorted(directory.glob("*.log")):
        print(f"--- {log.name} (last 60 lines)")
        print("\n".join(log.read_text(errors="replace").splitlines()[-60:]))


@pytest.fixture
def recovering_env(engine) -> Iterator[dict[str, str]]:
    """Beats every second, so a dead worker is noticed in seconds, not a minute."""
    yield os.environ | {"IMPORT_HEARTBEAT_SECONDS": "1"}


def wait_until(session: Session, job: ImportJob, done, seconds: float) -> ImportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        session.expire_all()
        current = session.get(ImportJob, job.id)
        if done(current):
            return current
        time.sleep(0.2)
    raise AssertionError(f"after {seconds} s the job is {current.status} ({current.problems})")


@pytest.mark.worker
def test_an_import_whose_worker_is_killed_midway_is_finished_by_another_once(
    session, school, officer, recovering_env, tmp_path
):
    """The embedded broker forgets a task once a worker takes it and Redis returns it only
    after its visibility timeout: the heartbeat brings the job back within seconds."""
    job = queued_job(session, officer, many_devices(school, 20_000))
    first = _dfc(
        "worker",
        "--queues",
        "imports",
        "--concurrency",
        "1",
        env=recovering_env,
        log=tmp_path / "first-worker.log",
    )
    others = []
    try:
        from devices.tasks import run_import

        run_import.delay(job.id)
        wait_until(session, job, lambda j: j.status is ImportStatus.RUNNING, 60)
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        assert devices(session) == 0  # the killed import saved nothing
        others = [
            _dfc(
                "worker",
                "--queues",
                "imports,housekeeping",
                env=recovering_env,
                log=tmp_path / "second-worker.log",
            ),
            _dfc("beat", "--loglevel", "INFO", env=recovering_env, log=tmp_path / "beat.log"),
        ]
        done = wait_until(session, job, lambda j: j.status is ImportStatus.SUCCEEDED, 180)
        assert done.runs == 2
        assert devices(session) == 20_000
    except BaseException:
        _show_logs(tmp_path)
        raise
    finally:
        for process in (first, *others):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(10)


def test_a_database_too_busy_to_write_puts_the_job_back_for_a_retry(
    session, school, officer, monkeypatch
):
    from sqlalchemy.exc import OperationalError

    job = queued_job(session, officer, many_devices(school, 3))

    def busy(*args, **kwargs):
        raise OperationalError("INSERT ...", {}, Exception("database is locked"))

    monkeypatch.setitem(jobs.IMPORTERS, job.kind, busy)
    with pytest.raises(OperationalError):
        jobs.run_job(session, job_id=job.id)
    session.expire_all()
    assert (job.status, job.problems, devices(session)) == (ImportStatus.QUEUED, [], 0)
    monkeypatch.undo()
    jobs.run_job(session, job_id=job.id)  # the task's own retry
    session.expire_all()
    assert (job.status, job.runs, devices(session)) == (ImportStatus.SUCCEEDED, 2, 3)
