"""Sorting and paging for every list, so each endpoint only names its sortable columns."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func
from sqlmodel import Session, select

from dfc.errors import InvalidInput

Item = TypeVar("Item")
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class PageRequest:
    page: int = 1
    per_page: int = 50
    sort: str | None = None


class Page(BaseModel, Generic[Item]):
    items: list[Item]
    total: int
    page: int
    per_page: int
    pages: int


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


def paginate(session: Session, statement: Select[Any], request: PageRequest) -> Page[Any]:
    """One page of `statement`'s rows and the total, in two queries."""
    if request.page < 1:
        raise InvalidInput("page must be 1 or more", field="page")
    if not 1 <= request.per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"per_page must be between 1 and {MAX_PER_PAGE}", field="per_page")
    total = session.exec(select(func.count()).select_from(statement.order_by(None).subquery()))
    total_count = int(total.one())
    rows = session.exec(
        statement.limit(request.per_page).offset((request.page - 1) * request.per_page)
    ).all()
    return Page[Any](
        items=list(rows),
        total=total_count,
        page=request.page,
        per_page=request.per_page,
        pages=max(1, -(-total_count // request.per_page)),
    )
