"""The month the figures are for, and the dates and instants that bound it."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

from reporting.dashboard.months import month_key, months_from

MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTHS_AHEAD = 12


class BadMonth(ValueError):
    """The month asked for is not a YYYY-MM month that has ended."""


@dataclass(frozen=True)
class Period:
    """A calendar month: its first and last day, and the 12 months after it (what ends
    soon, counted from the day after the month)."""

    first: date

    @property
    def key(self) -> str:
        return month_key(self.first)

    @property
    def last(self) -> date:
        return self.following - timedelta(days=1)

    @property
    def following(self) -> date:
        """The first day after the month."""
        return self.first + relativedelta(months=1)

    @property
    def window_last(self) -> date:
        """The last day of the 12th month after this one."""
        return self.following + relativedelta(months=MONTHS_AHEAD) - timedelta(days=1)

    @property
    def months_ahead(self) -> list[str]:
        return [month_key(day) for day in months_from(self.following, MONTHS_AHEAD)]

    def instants(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """The month's start and the next month's start in `zone` (the scheme's clock)."""
        return (
            datetime.combine(self.first, time(), tzinfo=zone),
            datetime.combine(self.following, time(), tzinfo=zone),
        )


def last_complete_month(today: date) -> Period:
    return Period((today.replace(day=1) - timedelta(days=1)).replace(day=1))


def parse_month(text: str, *, today: date) -> Period:
    """'2026-01' as a period; a month not yet over is refused (its figures would change)."""
    match = MONTH_PATTERN.match(text.strip())
    if not match:
        raise BadMonth(f"{text!r} is not a month: write it as YYYY-MM, like 2026-01")
    period = Period(date(int(match.group(1)), int(match.group(2)), 1))
    latest = last_complete_month(today)
    if period.first > latest.first:
        raise BadMonth(f"{period.key} is not over yet: choose {latest.key} or an earlier month")
    return period
