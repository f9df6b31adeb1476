"""The body of a PATCH: a field left out keeps its value, and a field sent as null is
cleared only where clearing it makes sense (`Clearable`); anywhere else null is refused
with 422 naming the field, rather than reaching the database as a blank it cannot hold."""

from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

T = TypeVar("T")


class _ClearableMark:
    """Marks a PATCH field that an explicit null clears."""


CLEARABLE = _ClearableMark()
Clearable = Annotated[T | None, CLEARABLE]


def _clearable(model: type[BaseModel], name: str) -> bool:
    return any(isinstance(mark, _ClearableMark) for mark in model.model_fields[name].metadata)


def _without_null(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """The OpenAPI says what the model accepts: no null where null is refused."""
    for name, field in model.model_fields.items():
        prop = schema.get("properties", {}).get(field.alias or name)
        if prop is None or _clearable(model, name):
            continue
        choices = [c for c in prop.pop("anyOf", []) if c.get("type") != "null"]
        if len(choices) == 1:
            prop.update(choices[0])
        elif choices:
            prop["anyOf"] = choices
        if prop.get("default", ...) is None:
            del prop["default"]


class PatchModel(BaseModel):
    """Declare every field optional (`name: str | None = None`) so it may be left out;
    mark with `Clearable[...]` the ones a null may clear."""

    model_config = ConfigDict(
        extra="forbid", str_strip_whitespace=True, json_schema_extra=_without_null
    )

    @field_validator("*", mode="before")
    @classmethod
    def _null_only_where_clearable(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name and not _clearable(cls, info.field_name):
            raise PydanticCustomError(
                "not_clearable",
                "{field} cannot be null: leave it out to keep it as it is",
                {"field": info.field_name},
            )
        return value
