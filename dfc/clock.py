"""The scheme's calendar: 'today' is the date in the scheme's time zone, not UTC."""

from datetime import date, datetime

from dfc.settings import get_settings


def today() -> date:
    return datetime.now(get_settings().zone).date()
