"""What an API key tied to an information sharing agreement may read, from the privacy
marks on each column. Routes that return family personal data pass their answers through
here: a field whose kind of data the agreement does not cover comes back as null (and is
left out of CSV), and a route none of whose personal data is covered answers 403.

Staff, and keys with no agreement, have `Caller.data_categories` None: nothing changes."""

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlmodel import SQLModel

from dfc.caller import Caller
from dfc.errors import Forbidden
from dfc.listing import Page
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import mark_of


class NotCovered(Forbidden):
    """The key's agreement does not cover the data this request needs."""


@lru_cache
def personal_fields(table_name: str) -> dict[str, DataCategory]:
    """Each personal column of `table_name` and its kind of data, from its mark."""
    table = SQLModel.metadata.tables[table_name]
    fields: dict[str, DataCategory] = {}
    for column in table.columns:
        mark = mark_of(column)
        if mark is not None and mark.personal and mark.category is not None:
            fields[column.name] = mark.category
    return fields


def _names(categories: Iterable[DataCategory]) -> str:
    return ", ".join(sorted(category.value for category in categories)) or "none"


def hidden_fields(caller: Caller, table_name: str) -> set[str]:
    """The fields of `table_name` the caller may not read."""
    if caller.data_categories is None:
        return set()
    return {
        name
        for name, category in personal_fields(table_name).items()
        if category not in caller.data_categories
    }


def require_cover(caller: Caller, table_name: str) -> None:
    """403 when the caller's agreement covers none of the personal data in `table_name`."""
    if caller.data_categories is None:
        return
    needed = set(personal_fields(table_name).values())
    if needed and not needed & caller.data_categories:
        raise NotCovered(
            f"This API key's information sharing agreement covers {_names(caller.data_categories)}"
            f"; this answer holds {table_name.replace('_', ' ')} data of kinds "
            f"{_names(needed)}, none of which it covers"
        )


def require_fields(caller: Caller, table_name: str, **used: Any) -> None:
    """403 when a filter or sort the caller used is a field they may not read: filtering on
    it would tell them its value."""
    hidden = hidden_fields(caller, table_name)
    refused = sorted(name for name, value in used.items() if value is not None and name in hidden)
    if refused:
        raise NotCovered(
            f"This API key's information sharing agreement does not cover "
            f"{', '.join(refused)}, so it cannot filter or sort by it"
        )


def shared_columns(
    caller: Caller, table_name: str, columns: Sequence[str], *, sort: str | None = None
) -> tuple[str, ...]:
    """The CSV columns the caller may have, after checking the route and the sort."""
    require_cover(caller, table_name)
    if sort:
        require_fields(caller, table_name, **{sort.removeprefix("-"): sort})
    hidden = hidden_fields(caller, table_name)
    return tuple(column for column in columns if column not in hidden)


def redact(caller: Caller, table_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with every field the caller may not read set to None."""
    hidden = hidden_fields(caller, table_name)
    if not hidden:
        return data
    return {key: (None if key in hidden else value) for key, value in data.items()}


def shared(
    caller: Caller,
    table_name: str,
    answer: Any,
    schema: type[BaseModel] | None = None,
    *,
    status_code: int = 200,
    require: bool = True,
) -> Any:
    """The route's answer (a model, or a page of rows shaped by `schema`) as the caller may
    see it. Unrestricted callers get it unchanged; a CSV download is already trimmed by
    `shared_columns`. Redacted answers are sent as JSON as they are, since a hidden field
    is null even where the response model says it is always there."""
    if caller.data_categories is None or isinstance(answer, Response):
        return answer
    if require:  # False where the answer is mostly not personal (a device, its history)
        require_cover(caller, table_name)
    if isinstance(answer, Page):
        if schema is None:
            raise TypeError("a page of rows needs the schema that shapes each row")
        items = [
            redact(caller, table_name, schema.model_validate(item).model_dump(mode="json"))
            for item in answer.items
        ]
        body: dict[str, Any] = answer.model_dump(mode="json", exclude={"items"})
        body["items"] = items
    else:
        body = redact(caller, table_name, answer.model_dump(mode="json"))
    return JSONResponse(jsonable_encoder(body), status_code=status_code)


def shared_json(
    caller: Caller, table_name: str, answer: BaseModel, *, require: bool = True
) -> Response:
    """`shared` for one validated model, always as a ready JSON response: pydantic writes
    the bytes once, where returning the model has FastAPI validate it again first (for a
    route that sends the model as it is, as FastAPI would, field for field)."""
    if caller.data_categories is None:
        return Response(answer.model_dump_json(by_alias=True), media_type="application/json")
    return shared(caller, table_name, answer, require=require)


def shared_list(caller: Caller, table_name: str, answer: Sequence[BaseModel]) -> Any:
    """A list of records (a device's events or owners) as the caller may see them: the
    records stay, the fields their agreement does not cover are null."""
    if caller.data_categories is None:
        return answer
    body = [redact(caller, table_name, item.model_dump(mode="json")) for item in answer]
    return JSONResponse(jsonable_encoder(body))
