"""Months as the dashboard counts them: a date's month as 'YYYY-MM' in SQL (so grouping
happens in the database, the same on SQLite and PostgreSQL), and the calendar in Python."""

from datetime import date
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class month_of(FunctionElement):
    """`column`'s month as text, 'YYYY-MM': sorts in order and groups the same everywhere."""

    type = String()
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any]) -> None:
        super().__init__(column)


def _column(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(month_of, "postgresql")
def _month_of_postgresql(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"to_char({_column(element, compiler, **kw)}, 'YYYY-MM')"


@compiles(month_of, "sqlite")
def _month_of_sqlite(element: month_of, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m', {_column(element, compiler, **kw)})"


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def month_start(key: str) -> date:
    year, month = key.split("-")
    return date(int(year), int(month), 1)


def months_from(first: date, count: int) -> list[date]:
    """The first day of `count` months, starting with `first`'s month."""
    months = []
    year, month = first.year, first.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def months_between(first: date, last: date) -> int:
    """How many calendar months from `first`'s month to `last`'s, both counted."""
    return (last.year - first.year) * 12 + last.month - first.month + 1


def month_name(day: date) -> str:
    """'January 2027': written out, so a screen reader says it as a person would."""
    return day.strftime("%B %Y")
