"""SLA due times in working hours, Europe/London, across weekends, bank holidays and the
clocks changing."""

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from support.sla import (
    SLA_TARGETS,
    Priority,
    SlaState,
    WorkingHours,
    add_working_time,
    due_times,
    is_working_day,
    sla_state,
    working_time_between,
)

HOUR = timedelta(hours=1)
LONDON = ZoneInfo("Europe/London")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        (utc(2026, 11, 27, 16, 30), HOUR, utc(2026, 11, 30, 9, 30)),  # Friday → Monday (GMT)
        (london(2026, 6, 5, 16, 30), HOUR, utc(2026, 6, 8, 8, 30)),  # Friday → Monday (BST)
        (utc(2026, 11, 28, 11, 0), 2 * HOUR, utc(2026, 11, 30, 11, 0)),  # raised on a Saturday
        (utc(2026, 11, 29, 23, 59), HOUR, utc(2026, 11, 30, 10, 0)),  # late on a Sunday
        (utc(2026, 11, 25, 7, 0), HOUR, utc(2026, 11, 25, 10, 0)),  # before opening
        (utc(2026, 11, 25, 17, 0), HOUR, utc(2026, 11, 26, 10, 0)),  # at closing
        (utc(2026, 11, 25, 16, 0), HOUR, utc(2026, 11, 25, 17, 0)),  # due exactly at closing
        (utc(2026, 11, 25, 10, 0), timedelta(0), utc(2026, 11, 25, 10, 0)),
        (utc(2026, 12, 24, 16, 0), 2 * HOUR, utc(2026, 12, 29, 10, 0)),  # Christmas, Boxing Day
        (utc(2026, 12, 31, 16, 0), 2 * HOUR, utc(2027, 1, 4, 10, 0)),  # New Year's Day
        (london(2026, 4, 2, 16, 0), 4 * HOUR, london(2026, 4, 7, 12, 0)),  # Good Fri, Easter Mon
        (london(2026, 5, 1, 16, 0), 2 * HOUR, london(2026, 5, 5, 10, 0)),  # early May holiday
        (london(2026, 3, 27, 16, 0), 2 * HOUR, utc(2026, 3, 30, 9, 0)),  # clocks go forward
        (london(2026, 10, 23, 16, 0), 2 * HOUR, utc(2026, 10, 26, 10, 0)),  # clocks go back
    ],
)
def test_due_times_count_only_working_hours(start, amount, due):
    result = add_working_time(start, amount)
    assert result == due
    assert result.tzinfo is UTC


def test_the_clock_change_is_by_local_time():
    due = add_working_time(london(2026, 3, 27, 16, 0), 2 * HOUR)
    assert due.astimezone(LONDON) == london(2026, 3, 30, 10, 0)
    assert due.astimezone(LONDON).utcoffset() == HOUR  # British Summer Time


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 25),
        date(2026, 12, 28),  # Boxing Day (substitute)
        date(2027, 1, 1),
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday
        date(2026, 5, 4),  # early May
        date(2026, 5, 25),  # spring
        date(2026, 8, 31),  # summer (England and Wales)
        date(2026, 11, 28),  # a Saturday
    ],
)
def test_bank_holidays_and_weekends_are_not_working_days(day):
    assert not is_working_day(day)


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 1, 2),  # 2 January, Scotland only
        date(2027, 1, 4),  # 2 January (substitute), Scotland only
        date(2026, 8, 3),  # summer bank holiday in Scotland
        date(2026, 11, 30),  # St Andrew's Day, Scotland only
        date(2026, 3, 17),  # St Patrick's Day, Northern Ireland only
        date(2026, 12, 29),
    ],
)
def test_scottish_and_northern_irish_holidays_are_working_days(day):
    assert is_working_day(day)


def test_a_normal_ticket_is_resolved_within_five_working_days():
    first, resolution = due_times(utc(2026, 11, 23, 10, 0), Priority.NORMAL)  # a Monday
    assert first == utc(2026, 11, 24, 10, 0)
    assert resolution == utc(2026, 11, 30, 10, 0)  # next Monday: St Andrew's Day counts


def test_the_targets_in_working_hours():
    assert [(t.first_response / HOUR, t.resolution / HOUR) for t in SLA_TARGETS.values()] == [
        (1, 8),
        (4, 16),
        (8, 40),
        (16, 80),
    ]
    assert list(SLA_TARGETS) == ["urgent", "high", "normal", "low"]


def test_an_urgent_ticket_on_friday_afternoon_is_due_on_monday():
    first, resolution = due_times(utc(2026, 11, 27, 16, 30), Priority.URGENT)
    assert (first, resolution) == (utc(2026, 11, 30, 9, 30), utc(2026, 11, 30, 16, 30))


@pytest.mark.parametrize("start", [utc(2026, 12, 23, 14, 15), london(2026, 3, 26, 8, 0)])
@pytest.mark.parametrize("amount", [timedelta(0), HOUR, 9 * HOUR, 41 * HOUR, 800 * HOUR])
def test_working_time_between_undoes_adding_it(start, amount):
    assert working_time_between(start, add_working_time(start, amount)) == amount


def test_working_time_between_counts_only_working_hours():
    assert working_time_between(utc(2026, 12, 24, 16, 0), utc(2026, 12, 29, 10, 0)) == 2 * HOUR
    assert working_time_between(utc(2026, 11, 28, 9, 0), utc(2026, 11, 29, 17, 0)) == timedelta(0)
    assert working_time_between(utc(2026, 11, 25, 12, 0), utc(2026, 11, 25, 11, 0)) == timedelta(0)


def test_any_aware_zone_gives_the_same_answer():
    new_york = datetime(2026, 11, 27, 11, 30, tzinfo=ZoneInfo("America/New_York"))
    assert add_working_time(new_york, HOUR) == utc(2026, 11, 30, 9, 30)


def test_a_long_amount_jumps_whole_days():
    started = clock.perf_counter()
    due = add_working_time(utc(2026, 1, 5, 9, 0), 8 * HOUR * 2500)  # about ten years
    assert clock.perf_counter() - started < 1
    assert due.year == 2035
    assert working_time_between(utc(2026, 1, 5, 9, 0), due) == 8 * HOUR * 2500


def test_other_working_hours():
    hours = WorkingHours(start=time(8), end=time(18))
    assert add_working_time(utc(2026, 11, 27, 17, 30), HOUR, hours=hours) == utc(
        2026, 11, 30, 8, 30
    )
    with pytest.raises(ValueError, match="end after"):
        WorkingHours(start=time(17), end=time(9))


def test_naive_datetimes_and_negative_amounts_are_refused():
    with pytest.raises(ValueError, match="aware"):
        add_working_time(datetime(2026, 11, 27, 16, 30), HOUR)
    with pytest.raises(ValueError, match="negative"):
        add_working_time(utc(2026, 11, 27, 16, 30), -HOUR)


def test_the_sla_state_warns_before_it_is_breached():
    created = utc(2026, 11, 23, 9, 0)
    due = add_working_time(created, 8 * HOUR)
    assert sla_state(due, utc(2026, 11, 23, 12, 0), created_at=created) is SlaState.OK
    assert sla_state(due, utc(2026, 11, 23, 14, 59), created_at=created) is SlaState.OK
    assert sla_state(due, utc(2026, 11, 23, 15, 0), created_at=created) is SlaState.DUE_SOON
    assert sla_state(due, utc(2026, 11, 23, 16, 59), created_at=created) is SlaState.DUE_SOON
    assert sla_state(due, due, created_at=created) is SlaState.BREACHED
    assert sla_state(due, due + timedelta(days=3), created_at=created) is SlaState.BREACHED
    assert sla_state(due, utc(2026, 11, 23, 12, 0), created_at=created, warn_share=0.3) == (
        "due_soon"
    )


def test_the_sla_state_counts_working_time_not_the_weekend():
    created = utc(2026, 11, 27, 13, 0)  # Friday; due Monday 13:00
    due = add_working_time(created, 8 * HOUR)
    assert sla_state(due, utc(2026, 11, 29, 20, 0), created_at=created) is SlaState.OK
    assert sla_state(due, utc(2026, 11, 30, 10, 0), created_at=created) is SlaState.OK  # 5/8
    assert sla_state(due, utc(2026, 11, 30, 11, 0), created_at=created) is SlaState.DUE_SOON
