"""Checking a file's header: each missing or unknown column is named, and first a line that
says which columns were expected and which were found, so a file saved with the wrong
separator or from the wrong template is recognised at a glance."""

from collections.abc import Iterable
from difflib import get_close_matches

from dfc.csv_import import HEADER_ROW, ImportRejected, RowProblem

SHOWN_FOUND = 20  # found columns listed; a header is rarely longer unless it is wrong


def _listed(names: Iterable[str]) -> str:
    return ", ".join(names) or "none"


def _expected(required: list[str], known: list[str], one_of: list[str]) -> str:
    optional = [name for name in known if name not in required and name not in one_of]
    parts = [f"{_listed(required)} (required)"] if required else []
    if one_of:
        parts.append(f"{' or '.join(one_of)} (at least one)")
    if optional:
        parts.append(f"{_listed(optional)} (optional)")
    return ", ".join(parts)


def _found(columns: list[str], separated_by: str | None) -> str:
    shown = _listed(columns[:SHOWN_FOUND])
    more = f" and {len(columns) - SHOWN_FOUND} more" if len(columns) > SHOWN_FOUND else ""
    if len(columns) == 1 and separated_by:
        return f"found 1 column, {shown}: separate the columns with commas, semicolons or tabs"
    how = f", separated by {separated_by}" if separated_by and columns else ""
    return f"found {len(columns)} column{'' if len(columns) == 1 else 's'}{how}: {shown}{more}"


def _unknown(column: str, known: list[str]) -> str:
    close = get_close_matches(column, known, n=1)
    return "is not a column we know" + (f"; did you mean {close[0]}?" if close else "")


def check_header(
    columns: list[str],
    *,
    required: Iterable[str],
    known: Iterable[str],
    one_of: Iterable[str],
    separated_by: str | None,
) -> None:
    """Raises ImportRejected naming every missing and unknown column (with the expected and
    found columns first) unless the header has each required column, at least one of
    `one_of` (when given) and nothing outside `known` (when given)."""
    required, known, one_of = list(required), list(known), list(one_of)
    problems = [
        RowProblem(HEADER_ROW, column, "column is missing from the header")
        for column in required
        if column not in columns
    ]
    if one_of and not set(one_of) & set(columns):
        message = f"add a {' or '.join(one_of)} column"
        problems.append(RowProblem(HEADER_ROW, one_of[0], message))
    problems.extend(
        RowProblem(HEADER_ROW, column, _unknown(column, known))
        for column in columns
        if known and column not in known
    )
    if problems:
        summary = (
            f"the header does not match: expected {_expected(required, known, one_of)}; "
            f"{_found(columns, separated_by)}"
        )
        raise ImportRejected([RowProblem(HEADER_ROW, "-", summary), *problems])
