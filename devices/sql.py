"""Date arithmetic that compiles to each database's own SQL, so queries stay set-based."""

from typing import Any

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class add_months(FunctionElement):
    """`column + n months` as a date."""

    type = Date()
    inherit_cache = True

    def __init__(self, column: ColumnElement[Any], months: int) -> None:
        self.months = int(months)
        super().__init__(column)


@compiles(add_months, "postgresql")
def _add_months_postgresql(element: add_months, compiler: Any, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    return f"CAST(({column} + INTERVAL '{element.months} months') AS DATE)"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: add_months, compiler: Any, **kw: Any) -> str:
    column = compiler.process(next(iter(element.clauses)), **kw)
    return f"date({column}, '{element.months:+d} months')"
