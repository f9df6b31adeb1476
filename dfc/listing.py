"""Sorting and paging for every list, so each endpoint only names its sortable columns."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func
from sqlmodel import Session, select

from dfc import keyset
from dfc.errors import InvalidInput

Item = TypeVar("Item")
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 50
    sort: str | None = None
    after: str | None = None


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    total: int
    page: int
    per_page: int
    pages: int
    # Lists that offer keyset paging: pass it as `after` (with page + 1) for the next page,
    # read from where this one ended however deep; empty on the last page.
    next_after: str | None = None


@dataclass(frozen=True)
class KeysetSort:
    """The sort a keyset page follows: its name as the query gives it, the column, the
    direction, and the id column that breaks ties."""

    name: str
    column: Any
    descending: bool
    id_column: Any

    def next_after(self, rows: Sequence[Any]) -> str:
        last = rows[-1]
        return keyset.encode(self.name, getattr(last, self.column.key), last.id)


def apply_sort(
    statement: Select[Any],
    sort: str | None,
    *,
    columns: dict[str, Any],
    default: str,
    tiebreak: Sequence[Any] = (),
) -> Select[Any]:
    """Order by `sort` ("name", or "-name" for descending); an unknown key is an error
    that lists the known ones. The primary key (or the `tiebreak` columns of a report)
    breaks ties so pages never overlap."""
    key = sort or default
    descending = key.startswith("-")
    name = key.removeprefix("-")
    if name not in columns:
        known = ", ".join(sorted(columns))
        raise InvalidInput(f"Cannot sort by {name!r}; use one of: {known}", field="sort")
    column = columns[name]
    if not tiebreak and "id" in columns:
        tiebreak = [columns["id"]]
    order = [column.desc() if descending else column.asc()]
    order += [extra.asc() for extra in tiebreak if extra is not column]
    return statement.order_by(*order)


def keyset_sort(sort: str | None, *, columns: dict[str, Any], default: str) -> KeysetSort | None:
    """The keyset sort for `sort` (as apply_sort reads it), or None where the sort column
    may be empty and only page numbers work."""
    key = sort or default
    column = columns.get(key.removeprefix("-"))
    if column is None or "id" not in columns or not keyset.can_use(column):
        return None
    return KeysetSort(key, column, key.startswith("-"), columns["id"])


def paginate(
    session: Session,
    statement: Select[Any],
    request: PageRequest,
    *,
    keyset_by: KeysetSort | None = None,
) -> Page[Any]:
    """One page of `statement`'s rows and the total: one query when the page itself shows
    where the list ends, two otherwise. With `keyset_by`, a cursor in `request.after` starts
    the page after the row it names, and the answer carries the next page's cursor."""
    if request.page < 1:
        raise InvalidInput("page must be 1 or more", field="page")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"per_page must be between 1 and {MAX_PER_PAGE}", field="per_page")
    page_rows = statement.limit(request.per_page)
    offset = (request.page - 1) * request.per_page
    if request.after:
        if keyset_by is None:
            raise InvalidInput(
                "This list, sorted this way, pages by number only: leave out after and use page",
                field="after",
            )
        value, row_id = keyset.decode(request.after, keyset_by.name)
        if not keyset.fits(keyset_by.column, value):
            raise InvalidInput(keyset.BAD_CURSOR, field="after")
        condition = keyset.after(
            keyset_by.column,
            keyset_by.id_column,
            descending=keyset_by.descending,
            value=value,
            row_id=row_id,
        )
        rows = session.exec(page_rows.where(condition)).all()
    else:
        rows = session.exec(page_rows.offset(offset)).all()
    if not request.after and (0 < len(rows) < request.per_page or (offset == 0 and not rows)):
        total_count = offset + len(rows)  # this page is the last: no need to count
    else:
        total = session.exec(select(func.count()).select_from(statement.order_by(None).subquery()))
        total_count = int(total.one())
    more = keyset_by is not None and len(rows) == request.per_page
    return Page[Any](
        items=list(rows),
        total=total_count,
        page=request.page,
        per_page=request.per_page,
        pages=max(1, -(-total_count // request.per_page)),
        next_after=keyset_by.next_after(rows) if more else None,
    )
