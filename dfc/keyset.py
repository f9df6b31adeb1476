"""Keyset ("after this row") paging for deep pages of a long list. OFFSET makes the
database read and throw away every row before the page (14,950 of them for page 300); a
cursor naming the last row shown lets it start there, using the index on the sort column.
The cursor is opaque to callers: the sort it was made for, the last row's value and id."""

import base64
import binascii
import json
from datetime import date
from typing import Any

from sqlalchemy import Date, Enum, Integer, String, TypeDecorator, and_, or_

from dfc.errors import InvalidInput

BAD_CURSOR = (
    "after is not a cursor from this list (sort or filters changed?); start again from page 1"
)


def can_use(column: Any) -> bool:
    """Only columns that are never empty: where SQL puts NULLs differs between databases."""
    return not getattr(column, "nullable", True) or bool(getattr(column, "primary_key", False))


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return {"date": value.isoformat()}
    return getattr(value, "value", value)


def _typed(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"date"}:
        return date.fromisoformat(value["date"])
    return value


def encode(sort: str, value: Any, row_id: int) -> str:
    """The cursor for the row after one with `value` in the sort column and id `row_id`."""
    raw = json.dumps([sort, _plain(value), row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(cursor: str, sort: str) -> tuple[Any, int]:
    """The value and id a cursor names, if it was made for `sort`; InvalidInput otherwise."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        made_for, value, row_id = json.loads(raw)
        value = _typed(value)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput(BAD_CURSOR, field="after") from None
    if made_for != sort or not _whole(row_id) or isinstance(value, dict | list):
        raise InvalidInput(BAD_CURSOR, field="after")
    return value, row_id


def fits(column: Any, value: Any) -> bool:
    """Whether a cursor's value is of the sort column's kind (one of an enum's values, text,
    a date, a whole number), so a forged cursor is refused with 422 rather than failing in
    the database."""
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl
    if isinstance(kind, Enum):
        return value in kind.enums
    if isinstance(kind, String):
        return isinstance(value, str)
    if isinstance(kind, Date):
        return isinstance(value, date)
    if isinstance(kind, Integer):
        return _whole(value)
    return False


def _whole(value: Any) -> bool:
    """A whole number a 64-bit column can hold (a bigger one is an error in the database)."""
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63


def after(column: Any, id_column: Any, *, descending: bool, value: Any, row_id: int) -> Any:
    """Rows after (value, row_id) in ORDER BY column [DESC], id. The first condition alone
    is the range the index answers; the second settles ties on the id."""
    if column is id_column:
        return id_column < row_id if descending else id_column > row_id
    if descending:
        return and_(column <= value, or_(column < value, id_column > row_id))
    return and_(column >= value, or_(column > value, id_column > row_id))
