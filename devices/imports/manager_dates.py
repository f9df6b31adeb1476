"""Dates and times as the device managers' exports write them: ISO 8601 instants (Google's
`2026-11-30T08:12:44.120Z`, Intune's `2026-11-28 09:14:03.0000000`), the Directory API's
milliseconds since 1970 (`autoUpdateExpiration`), a month for an Auto Update Expiration
(`Jun 2029`, `2029-06`), or any date the other imports read (day first, never US month first).
A time without a zone is UTC, as both managers export."""

import calendar
import re
from datetime import UTC, date, datetime, time

from devices.imports.dates import MONTHS, NotADate, read_date

EPOCH_MS = re.compile(r"\d{12,13}")
ISO_START = re.compile(r"\d{4}-\d{2}-\d{2}[t ]\d")
LONG_FRACTION = re.compile(r"(\.\d{6})\d+")
CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(am|pm)?$")
MONTH_YEAR = (
    re.compile(r"(?P<month>[a-z]+)\.? (?P<year>\d{4})"),
    re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})"),
    re.compile(r"(?P<month>\d{1,2})/(?P<year>\d{4})"),
)
TIMESTAMP_FORMATS = "2026-11-30T08:12:44Z, 2026-11-30 08:12:44 or 30/11/2026 08:12"


def _reason(error: NotADate) -> str:
    """': February 2026 has 28 days' from the date parser's message, when it says why."""
    _, found, reason = str(error).partition(" is not a date: ")
    return f": {reason.split('; use ')[0]}" if found else ""


def _from_epoch_ms(text: str) -> datetime:
    return datetime.fromtimestamp(int(text) / 1000, UTC)


def _iso(text: str) -> datetime | None:
    try:
        found = datetime.fromisoformat(LONG_FRACTION.sub(r"\1", text.upper()))
    except ValueError:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def _clock(text: str) -> time:
    found = CLOCK.search(text)
    if found is None:
        return time(0, 0)
    hour, minute, second = int(found[1]), int(found[2]), int(found[3] or 0)
    if found[4] == "pm" and hour < 12:
        hour += 12
    elif found[4] == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59 or second > 59:
        raise NotADate(f"{text!r} is not a time of day; use {TIMESTAMP_FORMATS}")
    return time(hour, minute, second)


def read_timestamp(text: str) -> datetime:
    """The instant `text` stands for, in UTC, or NotADate naming the formats we read."""
    cleaned = " ".join(text.split()).lower()
    if EPOCH_MS.fullmatch(cleaned):
        return _from_epoch_ms(cleaned)
    if ISO_START.match(cleaned) and (found := _iso(cleaned)):
        return found.astimezone(UTC)
    day_part = CLOCK.sub("", cleaned).strip()
    try:
        day = read_date(day_part or cleaned)
    except NotADate as error:
        reason = _reason(error)
        raise NotADate(
            f"{text!r} is not a date and time{reason}; use {TIMESTAMP_FORMATS}"
        ) from None
    return datetime.combine(day, _clock(cleaned), tzinfo=UTC)


def _month_end(text: str) -> date | None:
    for pattern in MONTH_YEAR:
        if found := pattern.fullmatch(text):
            month_text, year = found["month"], int(found["year"])
            month = MONTHS.get(month_text) if not month_text.isdigit() else int(month_text)
            if month is None or not 1 <= month <= 12:
                return None
            return date(year, month, calendar.monthrange(year, month)[1])
    return None


def read_expiry(text: str) -> date:
    """The last day of updates: a date, an instant, milliseconds since 1970, or a month
    (updates run to the month's end)."""
    cleaned = " ".join(text.split()).lower()
    if EPOCH_MS.fullmatch(cleaned):
        return _from_epoch_ms(cleaned).date()
    if (month_end := _month_end(cleaned)) is not None:
        return month_end
    if ISO_START.match(cleaned):
        return read_timestamp(cleaned).date()
    try:
        return read_date(cleaned)
    except NotADate:
        raise NotADate(
            f"{text!r} is not a date; use a date (2029-06-30, 30/06/2029), a month "
            "(Jun 2029) or milliseconds since 1970 (as the Directory API writes it)"
        ) from None
