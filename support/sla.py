"""SLAs in working hours on working days: 09:00 to 17:00 Europe/London, Monday to Friday,
not on England and Wales bank holidays. All arithmetic is on aware datetimes; results are UTC."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

LONDON = ZoneInfo("Europe/London")
ZERO = timedelta(0)


class Priority(StrEnum):
    URGENT = "urgent"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


@dataclass(frozen=True)
class SlaTarget:
    """Working time allowed until the first response and until resolution."""

    first_response: timedelta
    resolution: timedelta


WORKING_DAY = timedelta(hours=8)
SLA_TARGETS: dict[Priority, SlaTarget] = {
    Priority.URGENT: SlaTarget(timedelta(hours=1), WORKING_DAY),
    Priority.HIGH: SlaTarget(timedelta(hours=4), 2 * WORKING_DAY),
    Priority.NORMAL: SlaTarget(WORKING_DAY, 5 * WORKING_DAY),
    Priority.LOW: SlaTarget(2 * WORKING_DAY, 10 * WORKING_DAY),
}


@dataclass(frozen=True)
class WorkingHours:
    """The desk's opening hours, as local wall-clock times in `zone`."""

    start: time = time(9)
    end: time = time(17)
    zone: ZoneInfo = LONDON

    def __post_init__(self) -> None:
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("working hours are local wall-clock times: give naive times")
        if self.end <= self.start:
            raise ValueError(f"working hours must end after they start: {self.start}-{self.end}")


DEFAULT = WorkingHours()


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share their bank holidays; Scotland's and Northern Ireland's differ.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England and Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _opening(day: date, hours: WorkingHours) -> datetime:
    return datetime.combine(day, hours.start, tzinfo=hours.zone).astimezone(UTC)


def _closing(day: date, hours: WorkingHours) -> datetime:
    return datetime.combine(day, hours.end, tzinfo=hours.zone).astimezone(UTC)


def _aware_utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, not {moment!r}")
    return moment.astimezone(UTC)


def add_working_time(
    start: datetime, amount: timedelta, *, hours: WorkingHours = DEFAULT
) -> datetime:
    """The moment (in UTC) `amount` of working time after `start`. Time outside working hours
    does not count; whole working days are taken a day at a time, never minute by minute."""
    cursor = _aware_utc(start, "start")
    if amount < ZERO:
        raise ValueError(f"amount must not be negative: {amount}")
    day = cursor.astimezone(hours.zone).date()
    if not is_working_day(day) or cursor >= _closing(day, hours):
        day = _next_working_day(day)
        cursor = _opening(day, hours)
    cursor = max(cursor, _opening(day, hours))
    remaining = amount
    while remaining > (left_today := _closing(day, hours) - cursor):
        remaining -= left_today
        day = _next_working_day(day)
        cursor = _opening(day, hours)
    return cursor + remaining


def working_time_between(
    start: datetime, end: datetime, *, hours: WorkingHours = DEFAULT
) -> timedelta:
    """Working time from `start` to `end` (zero if `end` is not later)."""
    start, end = _aware_utc(start, "start"), _aware_utc(end, "end")
    total = ZERO
    if end <= start:
        return total
    day = start.astimezone(hours.zone).date()
    last = end.astimezone(hours.zone).date()
    while day <= last:
        if is_working_day(day):
            opened = max(_opening(day, hours), start)
            closed = min(_closing(day, hours), end)
            total += max(closed - opened, ZERO)
        day += timedelta(days=1)
    return total


def due_times(
    created_at: datetime, priority: Priority, *, hours: WorkingHours = DEFAULT
) -> tuple[datetime, datetime]:
    """(first response due, resolution due), in UTC, for a ticket made at `created_at`."""
    target = SLA_TARGETS[Priority(priority)]
    return (
        add_working_time(created_at, target.first_response, hours=hours),
        add_working_time(created_at, target.resolution, hours=hours),
    )


class SlaState(StrEnum):
    OK = "ok"
    DUE_SOON = "due_soon"
    BREACHED = "breached"


def sla_state(
    due: datetime,
    now: datetime,
    *,
    created_at: datetime,
    warn_share: float = 0.75,
    hours: WorkingHours = DEFAULT,
) -> SlaState:
    """Breached from `due` on; due soon once `warn_share` of the working time from
    `created_at` to `due` has been used; otherwise ok."""
    if not 0 < warn_share <= 1:
        raise ValueError(f"warn_share must be in (0, 1]: {warn_share}")
    if _aware_utc(now, "now") >= _aware_utc(due, "due"):
        return SlaState.BREACHED
    allowed = working_time_between(created_at, due, hours=hours)
    used = working_time_between(created_at, now, hours=hours)
    if allowed > ZERO and used / allowed >= warn_share:
        return SlaState.DUE_SOON
    return SlaState.OK


def _previous_working_day(day: date) -> date:
    day -= timedelta(days=1)
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def subtract_working_time(
    end: datetime, amount: timedelta, *, hours: WorkingHours = DEFAULT
) -> datetime:
    """The latest moment (in UTC) with `amount` of working time between it and `end`: the
    inverse of `add_working_time`, so a ticket made at or before it has used `amount` by `end`.
    This lets a query ask "who has used 75% of their time?" as one comparison per target."""
    cursor = _aware_utc(end, "end")
    if amount < ZERO:
        raise ValueError(f"amount must not be negative: {amount}")
    if amount == ZERO:
        return cursor
    day = cursor.astimezone(hours.zone).date()
    if not is_working_day(day) or cursor <= _opening(day, hours):
        day = _previous_working_day(day)
        cursor = _closing(day, hours)
    cursor = min(cursor, _closing(day, hours))
    remaining = amount
    while remaining > (used_today := cursor - _opening(day, hours)):
        remaining -= used_today
        day = _previous_working_day(day)
        cursor = _closing(day, hours)
    return cursor - remaining


def warning_starts(
    now: datetime, allowed: timedelta, *, warn_share: float = 0.75, hours: WorkingHours = DEFAULT
) -> datetime:
    """Tickets with `allowed` working time made at or before this moment are due soon (or
    breached) at `now`, by the same rule as `sla_state`."""
    if not 0 < warn_share <= 1:
        raise ValueError(f"warn_share must be in (0, 1]: {warn_share}")
    return subtract_working_time(now, allowed * warn_share, hours=hours)
