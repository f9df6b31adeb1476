"""SLA due times in working hours, Europe/London, across weekends, bank holidays and the
clocks changing."""

from datetime import UTC, datetime, timedelta

import pytest

from support.sla import (
    Priority,
    SlaState,
    add_working_time,
    due_times,
    is_working_day,
    sla_state,
    working_time_between,
)

HOUR = timedelta(hours=1)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("start", "amount", "due"),
    [
        (utc(2026, 11, 27, 16, 30), HOUR, utc(2026, 11, 30, 9, 30)),  # Friday → Monday
        (utc(2026, 11, 28, 11, 0), 2 * HOUR, utc(2026, 11, 30, 11, 0)),  # raised on a Saturday
        (utc(2026, 11, 25, 7, 0), HOUR, utc(2026, 11, 25, 10, 0)),  # before opening
        (utc(2026, 12, 24, 16, 0), 2 * HOUR, utc(2026, 12, 29, 10, 0)),  # Christmas, Boxing Day
        (utc(2026, 4, 2, 15, 0), 4 * HOUR, utc(2026, 4, 7, 11, 0)),  # BST; Good Friday, Easter
        (utc(2026, 3, 27, 16, 0), 2 * HOUR, utc(2026, 3, 30, 9, 0)),  # the clocks go forward
    ],
)
def test_due_times_count_only_working_hours(start, amount, due):
    assert add_working_time(start, amount) == due


def test_a_scottish_only_holiday_is_a_working_day():
    assert is_working_day(datetime(2026, 11, 30).date())  # St Andrew's Day (observed)
    assert is_working_day(datetime(2027, 1, 4).date())
    assert not is_working_day(datetime(2026, 12, 28).date())  # Boxing Day (observed)


def test_a_normal_ticket_is_resolved_within_five_working_days():
    first, resolution = due_times(utc(2026, 11, 23, 10, 0), Priority.NORMAL)  # a Monday
    assert first == utc(2026, 11, 24, 10, 0)
    assert resolution == utc(2026, 11, 30, 10, 0)


def test_working_time_between_undoes_adding_it():
    start = utc(2026, 12, 23, 14, 15)
    for amount in (HOUR, 9 * HOUR, 41 * HOUR):
        assert working_time_between(start, add_working_time(start, amount)) == amount


def test_the_sla_state_warns_before_it_is_breached():
    created = utc(2026, 11, 23, 9, 0)
    due = add_working_time(created, 8 * HOUR)
    assert sla_state(due, utc(2026, 11, 23, 12, 0), created_at=created) is SlaState.OK
    assert sla_state(due, utc(2026, 11, 23, 15, 30), created_at=created) is SlaState.DUE_SOON
    assert sla_state(due, due + timedelta(minutes=1), created_at=created) is SlaState.BREACHED
