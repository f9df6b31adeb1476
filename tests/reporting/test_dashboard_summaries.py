"""The dashboard's daily figures: computed into summary tables, they equal the live figures
for a council, a school and the whole scheme; a council's refresh touches only its own
organisations; a school's figures are its own; the nightly job is on beat's schedule."""

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from accounts.models import Organisation, OrganisationKind, Role
from dfc.caller import Caller
from dfc.clock import today
from dfc.settings import get_settings
from dfc.worker import TASK_QUEUES, beat_schedule, celery_app
from reporting.dashboard import daily
from reporting.dashboard.ending import WINDOWS, ending_by_month
from reporting.dashboard.figures import devices_by_status, headlines
from reporting.dashboard.summaries import refresh_summaries
from reporting.dashboard.summary_models import DashboardHeadline
from reporting.dashboard.tasks import NIGHTLY, compute_nightly
from reporting.dashboard.updates import school_rows, updates_by_school
from tests.devices import factories
from tests.reporting.register import caller_for, make_register

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)


def scheme_caller() -> Caller:
    return Caller(0, OrganisationKind.SCHEME, "the scheme", Role.SCHEME_ADMIN)


def live(session: Session, caller: Caller, day: date) -> dict:
    statuses = session.execute(devices_by_status(caller)).all()
    return {
        "updates_by_school": {
            days: school_rows(session, updates_by_school(caller, within_days=days, today=day))
            for days in WINDOWS
        },
        "headlines": headlines(session, caller, today=day),
        "status": sorted((str(row.status), int(row.devices)) for row in statuses),
        "ending": {
            days: ending_by_month(session, caller, within_days=days, today=day) for days in WINDOWS
        },
    }


def stored(session: Session, caller: Caller, day: date) -> dict:
    statuses = daily.stored_by_status(session, caller)
    return {
        "updates_by_school": {
            days: school_rows(session, daily.stored_updates_by_school(caller, within_days=days))
            for days in WINDOWS
        },
        "headlines": daily.stored_headlines(session, caller),
        "status": sorted((str(status), devices) for status, devices in statuses),
        "ending": {
            days: daily.stored_ending_by_month(session, caller, within_days=days, as_of=day)
            for days in WINDOWS
        },
    }


def test_the_daily_figures_equal_the_live_ones_for_councils_schools_and_the_scheme(session):
    day = today()
    register = make_register(session, today=day)
    refresh_summaries(session, today=day, now=NOW)
    session.commit()
    callers = [
        scheme_caller(),
        *(caller_for(o) for o in (register.ours, register.theirs, register.ash, register.far)),
    ]
    for caller in callers:
        assert stored(session, caller, day) == live(session, caller, day), caller.organisation_name
    ours = daily.stored_headlines(session, caller_for(register.ours))
    # Something in every figure, so the comparison above compared something.
    # Each school's devices, one in repair and one its family owns; the council's own.
    assert ours.devices_in_service == (4 + 2) + (2 + 2) + 1
    assert ours.owned_by_families == 2 and ours.sims_at_cap == 2
    assert ours.short_of_cover > 0 and ours.devices_unmet == (4 + 1) + (2 + 1)
    months = stored(session, caller_for(register.ours), day)["ending"][180]
    assert sum(month.devices_cover_ending for month in months) == 4 + 2 + 1
    assert sum(month.licence_seats_ending for month in months) == 6
    assert sum(month.sims_ending for month in months) == 2
    # Ash: one device's own date and one's operating system past, two ending in 180 days;
    # Birch: one past, one ending. The lost and the families' own devices are not counted.
    assert ours.past_end_of_updates == 2 + 1
    assert sum(month.devices_updates_ending for month in months) == 2 + 1


def test_a_school_sees_only_its_own_figures(session):
    day = today()
    register = make_register(session, today=day)
    refresh_summaries(session, today=day, now=NOW)
    session.commit()
    ash = daily.stored_headlines(session, caller_for(register.ash))
    far = daily.stored_headlines(session, caller_for(register.far))
    assert (ash.devices_in_service, far.devices_in_service) == (4 + 2, 6 + 2)
    assert ash.devices_unmet == 4 + 1


def test_a_councils_refresh_recomputes_its_own_organisations_and_no_others(session):
    day = today()
    register = make_register(session, today=day)
    refresh_summaries(session, today=day, now=NOW)
    session.commit()
    factories.make_device(session, holder=register.ash, cover_until=None)
    factories.make_device(session, holder=register.far, cover_until=None)
    later = NOW + timedelta(hours=5)
    refresh_summaries(session, council_id=register.ours.id, today=day, now=later)
    session.commit()

    ours, theirs = caller_for(register.ours), caller_for(register.theirs)
    assert daily.stored_headlines(session, ours).devices_in_service == 11 + 1
    assert daily.stored_headlines(session, theirs).devices_in_service == 8  # as computed at 02:00
    assert daily.computed(session, ours).computed_at == later
    assert daily.computed(session, theirs).computed_at == NOW
    # The scheme's figures are as old as the oldest of them.
    assert daily.computed(session, scheme_caller()).computed_at == NOW
    rows = session.exec(select(func.count()).select_from(DashboardHeadline)).one()
    assert rows == session.exec(select(func.count()).select_from(Organisation)).one()


def test_figures_never_computed_are_none_so_the_page_counts_them_live(session):
    register = make_register(session, today=today())
    assert daily.computed(session, caller_for(register.ours)) is None
    assert daily.computed(session, scheme_caller()) is None


def test_the_nightly_job_is_scheduled_and_computes_every_organisation(session):
    entry = beat_schedule(get_settings())["nightly-dashboard"]
    assert entry["task"] == NIGHTLY and NIGHTLY in celery_app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({3}, {0})
    assert TASK_QUEUES[NIGHTLY] == "imports"
    register = make_register(session, today=today())
    assert compute_nightly() == session.exec(select(func.count()).select_from(Organisation)).one()
    session.expire_all()
    figures = daily.computed(session, caller_for(register.theirs))
    assert figures is not None and figures.as_of == today()
    assert daily.stored_headlines(session, caller_for(register.theirs)).devices_in_service == 8


@pytest.mark.parametrize("days", WINDOWS)
def test_stored_months_start_from_the_day_they_were_computed(session, days):
    register = make_register(session, today=today())
    computed_on = today() - timedelta(days=40)
    refresh_summaries(session, today=computed_on, now=NOW)
    session.commit()
    months = daily.stored_ending_by_month(
        session, caller_for(register.ours), within_days=days, as_of=computed_on
    )
    assert months[0].month == computed_on.replace(day=1)


def test_a_councils_refresh_during_the_nightly_run_waits_for_it_rather_than_failing(engine):
    """Both would insert the council's rows: the second waits for the first to commit."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: the second refresh cannot start meanwhile")
    with Session(engine) as setup:
        register = make_register(setup, today=today())
        council_id = register.ours.id
    errors: list[BaseException] = []

    def council_refresh() -> None:
        try:
            with Session(engine) as second:
                refresh_summaries(second, council_id=council_id, today=today(), now=NOW)
                second.commit()
        except BaseException as error:
            errors.append(error)

    with Session(engine) as nightly:
        refresh_summaries(nightly, today=today(), now=NOW)
        waiting = threading.Thread(target=council_refresh)
        waiting.start()
        for _ in range(500):  # until the council's refresh waits on the lock
            blocked = nightly.execute(
                text("SELECT count(*) FROM pg_locks WHERE NOT granted")
            ).scalar_one()
            if blocked:
                break
            waiting.join(0.02)
        assert blocked, "the council's refresh did not wait"
        nightly.commit()
    waiting.join(30)
    assert not waiting.is_alive() and errors == []
    with Session(engine) as check:
        ours = daily.stored_headlines(check, caller_for(register.ours))
        assert ours.devices_in_service == 11
