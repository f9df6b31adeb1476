"""No SMS or WhatsApp to families at night (Europe/London): such messages wait for morning."""

from datetime import datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo


@lru_cache(maxsize=64)  # the daily scan asks the same `now` for every text it makes
def next_allowed(now: datetime, *, zone: ZoneInfo, start_hour: int, end_hour: int) -> datetime:
    """`now` if it is daytime in `zone`, otherwise the next end of the quiet hours (08:00)."""
    local = now.astimezone(zone)
    quiet = (
        (local.hour >= start_hour or local.hour < end_hour)
        if start_hour > end_hour
        else (start_hour <= local.hour < end_hour)
    )
    if not quiet:
        return now
    morning = datetime.combine(local.date(), time(end_hour), tzinfo=zone)
    if local.hour >= end_hour:
        morning += timedelta(days=1)
    return morning.astimezone(now.tzinfo)
