"""Query parameters and answers shared by every list in the API: filter, sort, page, CSV."""

import inspect
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Select, func
from sqlmodel import Session, select

from dfc.csv_export import csv_lines
from dfc.errors import InvalidInput, error_body
from dfc.listing import Page, PageRequest, apply_sort, keyset_sort, paginate
from dfc.settings import get_settings
from dfc.web.responses import csv_response


class Paging:
    """page, per_page, sort and format, as the query string gives them."""

    def __init__(
        self,
        page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
        per_page: Annotated[int, Query(ge=1, le=500)] = 50,
        sort: Annotated[str | None, Query(description="a column; prefix '-' to reverse")] = None,
        format: Annotated[
            str,
            Query(
                pattern="^(json|csv)$",
                description="csv: every matching row, up to EXPORT_MAX_ROWS (100,000 unless "
                "set otherwise); more is refused with 422, saying how many matched",
            ),
        ] = "json",
        after: Annotated[
            str | None,
            Query(
                max_length=500,
                description="next_after from the previous page, where a list offers it: the "
                "next page starts after that page's last row, fast however deep (send page + 1 "
                "too, for the page number shown)",
            ),
        ] = None,
    ) -> None:
        self.request = PageRequest(page=page, per_page=per_page, sort=sort, after=after or None)
        self.csv = format == "csv"


async def _paging(**query: Any) -> Paging:
    """Paging, read on the event loop: FastAPI runs a class dependency in a worker thread,
    a hand-over that costs more than building it."""
    return Paging(**query)


_paging.__signature__ = inspect.signature(Paging)  # type: ignore[attr-defined]
PagingDep = Annotated[Paging, Depends(_paging)]


class ExportTooLarge(InvalidInput):
    """More rows match than one CSV export sends."""

    code = "export-too-large"

    def __init__(self, *, matched: int, limit: int) -> None:
        super().__init__(
            f"{matched:,} rows match, more than the {limit:,} one export can hold; "
            "narrow the filters (or export a part at a time) and try again",
            field="format",
        )
        self.matched = matched
        self.limit = limit

    def body(self) -> dict[str, Any]:
        return error_body(
            self.message,
            code=self.code,
            field=self.field,
            rows_matched=self.matched,
            limit_rows=self.limit,
        )


def check_export_size(session: Session, statement: Select[Any]) -> None:
    """Refuses an export of more than EXPORT_MAX_ROWS rows, counting before sending any."""
    limit = get_settings().EXPORT_MAX_ROWS
    counted = select(func.count()).select_from(statement.order_by(None).limit(limit + 1).subquery())
    matched = int(session.exec(counted).one())
    if matched > limit:
        everything = select(func.count()).select_from(statement.order_by(None).subquery())
        raise ExportTooLarge(matched=int(session.exec(everything).one()), limit=limit)


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
    keyset: bool = False,
) -> Page[Any] | StreamingResponse:
    """A page of rows, or with format=csv every matching row (up to EXPORT_MAX_ROWS) as a
    spreadsheet-safe CSV. With `keyset` (rows that are objects with an id), pages also go
    by cursor (`after`), for lists read deep."""
    statement = apply_sort(
        statement, paging.request.sort, columns=sortable, default=default_sort, tiebreak=tiebreak
    )
    if not paging.csv:
        by = keyset_sort(paging.request.sort, columns=sortable, default=default_sort)
        return paginate(session, statement, paging.request, keyset_by=by if keyset else None)
    check_export_size(session, statement)
    return csv_response(csv_lines(columns, _rows(session, statement, columns)), filename=filename)


def _rows(session: Session, statement: Select[Any], columns: Sequence[str]) -> Iterable[list]:
    for row in session.exec(statement):
        source = row._mapping if hasattr(row, "_mapping") else row
        if hasattr(source, "get"):
            yield [_cell(source.get(column)) for column in columns]
        else:
            yield [_cell(getattr(source, column)) for column in columns]
