"""Date arithmetic that compiles to each database's own SQL, so queries stay set-based and
give the same answer on SQLite (laptops) as on PostgreSQL (production)."""

from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class add_months(FunctionElement):
    """`column + n months` as a date; the 29th-31st clamp to the month's last day, as
    PostgreSQL and dateutil do (29 February + 36 months is 28 February)."""

    type = Date()
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any], months: int) -> None:
        self.months = int(months)
        super().__init__(column)


class add_days(FunctionElement):
    """`column + n days` as a date."""

    type = Date()
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any], days: int) -> None:
        self.days = int(days)
        super().__init__(column)


def _column(element: FunctionElement, compiler: Any, **kw: Any) -> str:
    return compiler.process(next(iter(element.clauses)), **kw)


@compiles(add_months, "postgresql")
def _add_months_postgresql(element: add_months, compiler: Any, **kw: Any) -> str:
    return (
        f"CAST(({_column(element, compiler, **kw)} + INTERVAL '{element.months} months') AS DATE)"
    )


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    # SQLite rolls 29 Feb + 12 months over to 1 March; step back to the month's last day.
    column = _column(element, compiler, **kw)
    moved = f"date({column}, '{element.months:+d} months')"
    return (
        f"(CASE WHEN strftime('%d', {moved}) < strftime('%d', {column}) "
        f"THEN date({moved}, 'start of month', '-1 day') ELSE {moved} END)"
    )


@compiles(add_days, "postgresql")
def _add_days_postgresql(element: add_days, compiler: Any, **kw: Any) -> str:
    return f"CAST(({_column(element, compiler, **kw)} + {element.days}) AS DATE)"


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: add_days, compiler: Any, **kw: Any) -> str:
    return f"date({_column(element, compiler, **kw)}, '{element.days:+d} days')"
