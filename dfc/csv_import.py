"""Reading an uploaded CSV into rows, with problems named by row and column."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from dfc.errors import DomainError

HEADER_ROW = 1


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


class ImportRejected(DomainError):
    """The file had problems; nothing from it was saved."""

    status_code = 422
    code = "import-rejected"

    def __init__(self, problems: list[RowProblem]) -> None:
        noun = "problem" if len(problems) == 1 else "problems"
        super().__init__(f"The file has {len(problems)} {noun}; nothing was imported")
        self.problems = problems


def read_csv(data: bytes | str, *, required: Iterable[str]) -> list[tuple[int, dict[str, str]]]:
    """(row number, cells) for each data row; the header is row 1 as in a spreadsheet.
    Column names are matched without regard to case or surrounding spaces."""
    text = data.decode("utf-8-sig", errors="strict") if isinstance(data, bytes) else data
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected([RowProblem(HEADER_ROW, "-", "the file is empty")]) from None
    names = [cell.strip().lower() for cell in header]
    missing = [column for column in required if column not in names]
    if missing:
        raise ImportRejected(
            [
                RowProblem(HEADER_ROW, column, "column is missing from the header")
                for column in missing
            ]
        )
    rows = []
    for number, cells in enumerate(reader, start=HEADER_ROW + 1):
        if not any(cell.strip() for cell in cells):
            continue
        rows.append(
            (
                number,
                {
                    name: (cells[i].strip() if i < len(cells) else "")
                    for i, name in enumerate(names)
                },
            )
        )
    return rows
