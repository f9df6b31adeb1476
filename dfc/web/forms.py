"""Form answers for staff pages: the submitted values as a model's input, and each problem
keyed by its field so the page can show it beside the field and in the error summary."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData

from dfc.errors import DomainError

FORM_WIDE = "form"
SKIPPED_FIELDS = {"csrf_token"}


def values_of(form: FormData) -> dict[str, Any]:
    """The submitted fields, blanks as None, so optional fields left empty stay unset."""
    return {
        key: (value.strip() or None) if isinstance(value, str) else value
        for key, value in form.items()
        if key not in SKIPPED_FIELDS
    }


def _plain(message: str) -> str:
    message = message.removeprefix("Value error, ")
    return message[:1].upper() + message[1:]


def problems_of(
    error: ValidationError, messages: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The first problem with each field, in our words where `messages` has some."""
    found: dict[str, str] = {}
    for problem in error.errors():
        field = str(problem["loc"][0]) if problem["loc"] else FORM_WIDE
        found.setdefault(field, (messages or {}).get(field) or _plain(problem["msg"]))
    return found


def problem_of(error: DomainError) -> dict[str, str]:
    """A rule the service refused, shown beside its field or at the top of the form."""
    return {error.field or FORM_WIDE: error.message}


def date_of(values: Mapping[str, Any], name: str, label: str) -> tuple[date | None, str | None]:
    """A GOV.UK date input (`name-day`, `name-month`, `name-year`) as a date, or the
    GOV.UK wording for what is wrong with it."""
    parts = {
        part: (values.get(f"{name}-{part}") or "").strip() for part in ("day", "month", "year")
    }
    missing = [part for part, text in parts.items() if not text]
    if len(missing) == len(parts):
        return None, f"Enter {label.lower()}"
    if missing:
        return None, f"{label} must include a {' and '.join(missing)}"
    try:
        day, month, year = (int(parts[part]) for part in ("day", "month", "year"))
        if year < 1000:
            raise ValueError
        return date(year, month, day), None
    except ValueError:
        return None, f"{label} must be a real date"
