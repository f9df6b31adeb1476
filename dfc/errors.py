"""Domain errors: services raise these; one handler turns them into HTTP answers.

Every error the API answers has one body, `ErrorBody`, whatever made it: a broken rule
here, a request FastAPI could not validate, a path or method the router does not know, a
body too large or unreadable."""

from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """One thing to fix: a field of the request, or a row and column of an uploaded file."""

    message: str
    field: str | None = Field(
        default=None, description="the field, as a dotted path for a nested one (items.0.serial)"
    )
    row: int | None = Field(default=None, description="an uploaded file's row (1 is the header)")
    column: str | None = Field(default=None, description="an uploaded file's column")


class ErrorBody(BaseModel):
    """The body of every error the API answers (4xx and 5xx)."""

    detail: str = Field(description="what went wrong and what to do, for a person to read")
    code: str = Field(description="what kind of error, for a program: invalid, not-found ...")
    field: str | None = Field(
        default=None, description="the request's field at fault, when the error is about one"
    )
    problems: list[Problem] = Field(
        default_factory=list, description="each thing to fix, when there are several"
    )


def error_body(
    detail: str,
    *,
    code: str,
    field: str | None = None,
    problems: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """An ErrorBody as JSON-ready data; `extra` adds an error's own members (limit_bytes)."""
    problems = problems or ([{"field": field, "message": detail}] if field else [])
    if field is None and len(problems) == 1:
        field = problems[0].get("field")
    body: dict[str, Any] = {"detail": detail, "code": code, "problems": problems}
    if field:
        body["field"] = field
    return body | extra


class DomainError(Exception):
    """A rule of the service was broken; the message says what to fix."""

    status_code = 422
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        return error_body(self.message, code=self.code, field=self.field)


class NotFound(DomainError):
    """Missing, or outside the caller's organisation: the two look the same on purpose."""

    status_code = 404
    code = "not-found"


class Forbidden(DomainError):
    status_code = 403
    code = "forbidden"


class Conflict(DomainError):
    status_code = 409
    code = "conflict"


class InvalidInput(DomainError):
    status_code = 422
    code = "invalid"


class NotSignedIn(DomainError):
    status_code = 401
    code = "not-signed-in"
