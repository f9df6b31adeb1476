"""What the importers share: chunking for set-based SQL, progress, and turning a schema's
validation errors into problems named by the file's own column names."""

import types
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlmodel import Session

from devices.imports.dates import NotADate, read_date
from dfc.csv_import import RowProblem

Item = TypeVar("Item")
Model = TypeVar("Model", bound=BaseModel)
ProgressCallback = Callable[[int, int], None]
CHUNK_SIZE = 1000  # rows per IN list or bulk insert: well inside every driver's limits
PROGRESS_EVERY = 1000


def chunks(items: Sequence[Item], size: int = CHUNK_SIZE) -> Iterator[Sequence[Item]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def on_postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def key_in(session: Session, column: Any, keys: Collection[Any]) -> Iterator[ColumnElement[bool]]:
    """Filters for `column IN keys`, as few as the database allows: one array parameter on
    PostgreSQL however many keys, IN lists of a thousand elsewhere."""
    ordered = sorted(keys)
    if ordered and on_postgresql(session):
        yield column == any_(bindparam(None, ordered, type_=ARRAY(column.type)))
    elif ordered:
        yield from (column.in_(chunk) for chunk in chunks(ordered))


class Progress:
    """Reports (done, total) every ~1000 rows. Checking and saving count half a row each, so
    `done` only grows and reaches `total` when the last row is saved."""

    def __init__(self, callback: ProgressCallback | None, *, total: int) -> None:
        self._callback = callback
        self.total = total
        self._units = 0
        self._reported = 0

    def advance(self, rows: int = 1) -> None:
        self._units += rows
        finished = self._units >= 2 * self.total
        if self._callback and (finished or self._units - self._reported >= PROGRESS_EVERY):
            self._reported = self._units
            self._callback(min(self._units // 2, self.total), self.total)


def _message(detail: Mapping[str, Any], patterns: Mapping[str, str], column: str) -> str:
    kind, value = detail["type"], detail.get("input")
    if kind == "missing":
        return "is empty"
    if kind == "enum":
        return f"{value!r} is not one of {detail['ctx']['expected']}"
    if kind == "string_pattern_mismatch" and column in patterns:
        return f"{value!r} {patterns[column]}"
    if kind == "greater_than_equal":
        return f"{value!r} is less than {detail['ctx']['ge']}"
    if kind == "greater_than":
        return f"{value!r} is not more than {detail['ctx']['gt']}"
    if kind == "value_error":
        return str(detail["msg"]).removeprefix("Value error, ")
    return f"{detail['msg']} (not {value!r})"


def validate(
    model: type[Model],
    values: dict[str, Any],
    *,
    row: int,
    columns: Mapping[str, str],
    patterns: Mapping[str, str],
    problems: list[RowProblem],
) -> Model | None:
    """`model` from `values` with the API's own rules, or None with each error added to
    `problems` under the file's column name (`columns` maps field to column). Date fields
    are read by the imports' own date parser first, so a file may write dates as people do."""
    values, wrong_dates = dict(values), set()
    for field in _date_fields(model) & values.keys():
        try:
            values[field] = read_date(values[field])
        except NotADate as error:
            problems.append(RowProblem(row, columns.get(field, field), str(error)))
            wrong_dates.add(field)
            del values[field]
    try:
        checked = model.model_validate(values)
    except ValidationError as error:
        for detail in error.errors():
            field = str(detail["loc"][0]) if detail["loc"] else "-"
            if field not in wrong_dates:  # already named, not "is empty"
                column = columns.get(field, field)
                problems.append(RowProblem(row, column, _message(detail, patterns, column)))
        return None
    return None if wrong_dates else checked


@cache
def _date_fields(model: type[BaseModel]) -> frozenset[str]:
    """The model's fields that hold a date (or a date or None)."""
    return frozenset(
        name for name, info in model.model_fields.items() if date in _types(info.annotation)
    )


def _types(annotation: Any) -> tuple[Any, ...]:
    if get_origin(annotation) in (Union, types.UnionType):
        return get_args(annotation)
    return (annotation,)


def present(cells: Mapping[str, str], names: Mapping[str, str]) -> dict[str, str]:
    """{field: text} for the filled-in cells, so an empty cell takes the schema's default."""
    return {field: cells[column] for field, column in names.items() if cells.get(column)}
