"""Dates in an imported file as UK spreadsheets write them: the one parser every import uses.
Numbers are read day first (12/01/2026 is 12 January), never guessed as US month first; a
two-digit year is 20YY, since every date the register holds is after 2000; a plain number is
an Excel date serial, which is what a date column holds once its formatting is lost."""

import calendar
import re
from datetime import date, timedelta
from functools import lru_cache

FORMATS = "DD/MM/YYYY (like 31/01/2026), 31 Jan 2026 or YYYY-MM-DD"
# The 1900 date system's day 0 is 30/12/1899 (Excel counts 29/02/1900, a day that never was).
EXCEL_DAY_ZERO = date(1899, 12, 30)
FIRST, LAST = date(2000, 1, 1), date(2099, 12, 31)  # the serials taken as dates
TIME = r"(?:[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # a time after the date is ignored
YEAR_FIRST = re.compile(
    r"(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})" + TIME
)
DAY_FIRST = re.compile(
    r"(?P<day>\d{1,2})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<year>\d{4}|\d{2})" + TIME
)
MONTH_NAMED = re.compile(
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?[ -](?P<month>[a-z]+)\.?,?[ -](?P<year>\d{4}|\d{2})"
)
SERIAL = re.compile(r"\d{1,6}(?:\.\d+)?")
# In English whatever the process's locale (calendar.month_name follows it).
MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS = {
    spelling: number
    for number, name in enumerate(MONTH_NAMES, start=1)
    for spelling in (name.lower(), name[:3].lower())
} | {"sept": 9}


class NotADate(ValueError):
    """The text is not a date in any format we read; the message says why and what to use."""


def _from_serial(text: str) -> date:
    day = EXCEL_DAY_ZERO + timedelta(days=int(float(text)))
    if not FIRST <= day <= LAST:
        raise NotADate(f"{text!r} is not a date; use {FORMATS}")
    return day


def _checked(text: str, year: int, month: int, day: int, *, day_first: bool) -> date:
    """The date, or NotADate saying which part is impossible."""
    if year == 0:
        raise NotADate(f"{text!r} is not a date: there is no year 0; use {FORMATS}")
    if not 1 <= month <= 12:
        reason = f"there is no month {month}"
        if day_first and 1 <= day <= 12:
            reason += " (dates are read day first, never month first)"
        raise NotADate(f"{text!r} is not a date: {reason}; use {FORMATS}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        reason = f"{MONTH_NAMES[month - 1]} {year} has {days} days" if day else "there is no day 0"
        raise NotADate(f"{text!r} is not a date: {reason}; use {FORMATS}")
    return date(year, month, day)


def _year(text: str) -> int:
    return 2000 + int(text) if len(text) == 2 else int(text)


@lru_cache(maxsize=4096)  # a file's rows share a handful of dates: each is parsed once
def read_date(text: str) -> date:
    """The date `text` stands for, or NotADate naming the formats we read."""
    cleaned = " ".join(text.split()).lower()
    if not cleaned:
        raise NotADate(f"is empty; use {FORMATS}")
    if SERIAL.fullmatch(cleaned):
        return _from_serial(cleaned)
    for pattern, day_first in ((YEAR_FIRST, False), (DAY_FIRST, True)):
        if found := pattern.fullmatch(cleaned):
            year, month, day = (found[part] for part in ("year", "month", "day"))
            return _checked(text, _year(year), int(month), int(day), day_first=day_first)
    found = MONTH_NAMED.fullmatch(cleaned)
    if found and found["month"] in MONTHS:
        year, month = _year(found["year"]), MONTHS[found["month"]]
        return _checked(text, year, month, int(found["day"]), day_first=False)
    if found:
        raise NotADate(f"{text!r} is not a date: {found['month']!r} is not a month; use {FORMATS}")
    raise NotADate(f"{text!r} is not a date; use {FORMATS}")
