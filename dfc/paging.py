"""Query parameters and answers shared by every list in the API: filter, sort, page, CSV."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Select
from sqlmodel import Session

from dfc.csv_export import csv_lines
from dfc.listing import Page, PageRequest, apply_sort, paginate
from dfc.web.responses import csv_response


class Paging:
    """page, per_page, sort and format, as the query string gives them."""

    def __init__(
        self,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=500)] = 50,
        sort: Annotated[str | None, Query(description="a column; prefix '-' to reverse")] = None,
        format: Annotated[
            str, Query(pattern="^(json|csv)$", description="csv: every row")
        ] = "json",
    ) -> None:
        self.request = PageRequest(page=page, per_page=per_page, sort=sort)
        self.csv = format == "csv"


PagingDep = Annotated[Paging, Depends(Paging)]


def _cell(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return getattr(value, "value", value)


def listing(
    session: Session,
    statement: Select[Any],
    paging: Paging,
    *,
    sortable: dict[str, Any],
    default_sort: str,
    columns: Sequence[str],
    filename: str,
    tiebreak: Sequence[Any] = (),
) -> Page[Any] | StreamingResponse:
    """A page of rows, or with format=csv every matching row as a spreadsheet-safe CSV."""
    statement = apply_sort(
        statement, paging.request.sort, columns=sortable, default=default_sort, tiebreak=tiebreak
    )
    if not paging.csv:
        return paginate(session, statement, paging.request)
    return csv_response(csv_lines(columns, _rows(session, statement, columns)), filename=filename)


def _rows(session: Session, statement: Select[Any], columns: Sequence[str]) -> Iterable[list]:
    for row in session.exec(statement):
        source = row._mapping if hasattr(row, "_mapping") else row
        if hasattr(source, "get"):
            yield [_cell(source.get(column)) for column in columns]
        else:
            yield [_cell(getattr(source, column)) for column in columns]
