"""Reading an uploaded CSV or XLSX file into rows of text cells, so one validator serves both."""

import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from pathlib import PurePath
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from dfc.csv_import import HEADER_ROW, ImportRejected, RowProblem, read_csv

Rows = list[tuple[int, dict[str, str]]]
SUFFIXES = (".csv", ".xlsx")


def _suffix(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise ImportRejected(
            [RowProblem(HEADER_ROW, "-", f"{filename!r} is not a .csv or .xlsx file")]
        )
    return suffix


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a CSV would hold: dates as YYYY-MM-DD, 3.0 as 3."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


@contextmanager
def _first_sheet(data: bytes, filename: str) -> Iterator[ReadOnlyWorksheet]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise ImportRejected(
            [RowProblem(HEADER_ROW, "-", f"{filename!r} is not a readable .xlsx workbook")]
        ) from None
    try:
        yield workbook.worksheets[0]
    finally:
        workbook.close()


def _read_xlsx(data: bytes, filename: str) -> Rows:
    rows: Rows = []
    with _first_sheet(data, filename) as sheet:
        # Some writers store a wrong size; forgetting it makes openpyxl read every row.
        sheet.reset_dimensions()
        values = sheet.iter_rows(values_only=True)
        header = next(values, None)
        if header is None:
            raise ImportRejected([RowProblem(HEADER_ROW, "-", "the file is empty")])
        names = [_cell_text(cell).lower() for cell in header]
        for number, row in enumerate(values, start=HEADER_ROW + 1):
            cells = [_cell_text(value) for value in row]
            if any(cells):
                rows.append(
                    (
                        number,
                        {name: cells[i] if i < len(cells) else "" for i, name in enumerate(names)},
                    )
                )
    return rows


def _read_csv(data: bytes, filename: str) -> Rows:
    try:
        return read_csv(data, required=())
    except UnicodeDecodeError:
        raise ImportRejected(
            [RowProblem(HEADER_ROW, "-", f"{filename!r} is not UTF-8 text; save it as CSV UTF-8")]
        ) from None


def read_rows(
    data: bytes, *, filename: str, required: Iterable[str] = (), known: Iterable[str] = ()
) -> Rows:
    """(row number, {lower-case column: text}) for each non-empty row; the header is row 1.
    A column outside `known` is refused (when given), so a misspelt column is not ignored."""
    suffix = _suffix(filename)
    rows = _read_xlsx(data, filename) if suffix == ".xlsx" else _read_csv(data, filename)
    if not rows:
        raise ImportRejected([RowProblem(HEADER_ROW, "-", "the file has no rows below its header")])
    columns = [name for name in rows[0][1] if name]
    problems = [
        RowProblem(HEADER_ROW, column, "column is missing from the header")
        for column in required
        if column not in columns
    ]
    allowed = set(known)
    if allowed:
        expected = ", ".join(sorted(allowed))
        problems.extend(
            RowProblem(HEADER_ROW, column, f"is not a column we know; use: {expected}")
            for column in columns
            if column not in allowed
        )
    if problems:
        raise ImportRejected(problems)
    return rows


def _counted_row_ends(source: IO[bytes]) -> int:
    """How many rows a sheet's XML closes, read a megabyte at a time without parsing cells."""
    count, tail = 0, b""
    while chunk := source.read(2**20):
        window = tail + chunk
        count += window.count(b"</row>")
        tail = window[-5:]  # shorter than the tag, so no row end is counted twice
    return count


def count_rows(data: bytes, *, filename: str) -> int:
    """About how many data rows the file holds, cheaply, to decide whether to queue it."""
    if _suffix(filename) == ".csv":
        lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        return max(lines - 1, 0)
    with _first_sheet(data, filename) as sheet:
        rows = sheet.max_row  # the size the writer stored, if it did
        if rows is None:
            source = sheet._get_source()  # openpyxl's own handle on the sheet's XML
            try:
                rows = _counted_row_ends(source)
            finally:
                source.close()
    return max(rows - 1, 0)
