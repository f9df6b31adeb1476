"""SLAs in working hours on working days: 09:00 to 17:00 Europe/London, Monday to Friday,
not on England and Wales bank holidays."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


@dataclass(frozen=True)
class SlaTarget:
    first_response: timedelta
    resolution: timedelta


WORKING_DAY = timedelta(hours=8)
SLA_TARGETS = {
    Priority.URGENT: SlaTarget(timedelta(hours=1), WORKING_DAY),
    Priority.HIGH: SlaTarget(timedelta(hours=4), 2 * WORKING_DAY),
    Priority.NORMAL: SlaTarget(WORKING_DAY, 5 * WORKING_DAY),
    Priority.LOW: SlaTarget(2 * WORKING_DAY, 10 * WORKING_DAY),
}


@dataclass(frozen=True)
class WorkingHours:
    start: time = time(9)
    end: time = time(17)
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/London"))

    @property
    def length(self) -> timedelta:
        return datetime.combine(date.min, self.end) - datetime.combine(date.min, self.start)


DEFAULT = WorkingHours()


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share their bank holidays; Scotland's and Northern Ireland's differ.
    return frozenset(holidays.UK(subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def _opening(day: date, hours: WorkingHours) -> datetime:
    return datetime.combine(day, hours.start, tzinfo=hours.zone)


def _closing(day: date, hours: WorkingHours) -> datetime:
    return datetime.combine(day, hours.end, tzinfo=hours.zone)


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_time(
    start: datetime, amount: timedelta, *, hours: WorkingHours = DEFAULT
) -> datetime:
    """The moment `amount` of working time after `start` (in UTC). Time outside working
    hours does not count; whole days are skipped a day at a time, not minute by minute."""
    local = start.astimezone(hours.zone)
    day = local.date()
    if not is_working_day(day) or local >= _closing(day, hours):
        day, local = _next_working_day(day), None
    cursor = max(local, _opening(day, hours)) if local else _opening(day, hours)
    remaining = amount
    while True:
        left_today = _closing(day, hours) - cursor
        if remaining <= left_today:
            return (cursor + remaining).astimezone(UTC)
        remaining -= left_today
        day = _next_working_day(day)
        cursor = _opening(day, hours)


def working_time_between(
    start: datetime, end: datetime, *, hours: WorkingHours = DEFAULT
) -> timedelta:
    """Working time from `start` to `end` (zero if `end` is not later)."""
    if end <= start:
        return timedelta(0)
    total = timedelta(0)
    day = start.astimezone(hours.zone).date()
    last = end.astimezone(hours.zone).date()
    while day <= last:
        if is_working_day(day):
            opened = max(_opening(day, hours), start.astimezone(hours.zone))
            closed = min(_closing(day, hours), end.astimezone(hours.zone))
            if closed > opened:
                total += closed - opened
        day += timedelta(days=1)
    return total


def due_times(created_at: datetime, priority: Priority) -> tuple[datetime, datetime]:
    """(first response due, resolution due) for a ticket made at `created_at`."""
    target = SLA_TARGETS[priority]
    return (
        add_working_time(created_at, target.first_response),
        add_working_time(created_at, target.resolution),
    )


class SlaState(StrEnum):
    OK = "ok"
    DUE_SOON = "due-soon"
    BREACHED = "breached"


def sla_state(
    due: datetime, now: datetime, *, created_at: datetime, warn_share: float = 0.75
) -> SlaState:
    """Breached after `due`; due soon once `warn_share` of the working time is used."""
    if now >= due:
        return SlaState.BREACHED
    allowed = working_time_between(created_at, due)
    used = working_time_between(created_at, now)
    if allowed and used / allowed >= warn_share:
        return SlaState.DUE_SOON
    return SlaState.OK
