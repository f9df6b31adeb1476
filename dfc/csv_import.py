"""Reading an uploaded CSV into rows, with problems named by row and column: the one CSV
reader every import uses. The file is decoded and parsed as it is read, so a big file never
exists twice in memory, and however many rows are wrong only the first
MAX_IMPORT_PROBLEMS_KEPT problems are kept (all counted).

A CSV may be UTF-8 (with or without the byte-order mark Excel writes for "CSV UTF-8") or
UTF-16 with its byte-order mark (Excel's "Unicode Text"), and separate its columns with
commas, semicolons (what Excel writes where the decimal point is a comma) or tabs: the header
line says which."""

import codecs
import csv
import heapq
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from dfc.errors import DomainError, error_body
from dfc.settings import get_settings

HEADER_ROW = 1
Row = tuple[int, dict[str, str]]
Records = Iterator[tuple[int, list[str]]]
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
HEADER_SAMPLE_BYTES = 64 * 1024  # far longer than any header line we take
QUOTED = re.compile(r'"[^"]*"')
# What the CSV reader takes, for upload descriptions.
CSV_FORMATS = (
    "UTF-8 (with or without a byte-order mark) or UTF-16 with its byte-order mark; "
    "columns separated by commas, semicolons or tabs, as its header line shows"
)


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


def problems_kept() -> int:
    return get_settings().MAX_IMPORT_PROBLEMS_KEPT


class ImportRejected(DomainError):
    """The file had problems; nothing from it was saved. `problems` holds the first ones by
    row (at most MAX_IMPORT_PROBLEMS_KEPT), `problem_count` how many there were in all."""

    status_code = 422
    code = "import-rejected"

    def __init__(self, problems: Sequence[RowProblem], *, count: int | None = None) -> None:
        self.problems = list(problems[: problems_kept()])
        self.problem_count = max(count or 0, len(problems))
        noun = "problem" if self.problem_count == 1 else "problems"
        message = f"The file has {self.problem_count:,} {noun}; nothing was imported"
        if len(self.problems) < self.problem_count:
            message += f" (showing the first {len(self.problems):,})"
        super().__init__(message)

    def body(self) -> dict[str, Any]:
        problems = [{"row": p.row, "column": p.column, "message": p.message} for p in self.problems]
        return error_body(
            self.message, code=self.code, problems=problems, problem_count=self.problem_count
        )


class Problems:
    """Every problem counted, but only the first `keep` in row order kept (a row's own
    problems in the order found), so a file wrong on every row costs no more memory than
    one wrong on a thousand."""

    def __init__(self, keep: int | None = None) -> None:
        self.keep = keep or problems_kept()
        self.count = 0
        # (-row, -order, problem): the heap's top is the last kept, the first to drop.
        self._kept: list[tuple[int, int, RowProblem]] = []

    def add(self, problem: RowProblem) -> None:
        self.count += 1
        entry = (-problem.row, -self.count, problem)
        if len(self._kept) < self.keep:
            heapq.heappush(self._kept, entry)
        elif entry[:2] > self._kept[0][:2]:
            heapq.heapreplace(self._kept, entry)

    def extend(self, problems: Iterable[RowProblem]) -> None:
        for problem in problems:
            self.add(problem)

    def __bool__(self) -> bool:
        return self.count > 0

    def first(self) -> list[RowProblem]:
        return [problem for _, _, problem in sorted(self._kept, reverse=True)]

    def rejected(self) -> ImportRejected:
        return ImportRejected(self.first(), count=self.count)


def _encoding(data: bytes) -> str:
    """UTF-16 when the file starts with its byte-order mark (Excel's "Unicode Text", which is
    tab-separated), else UTF-8, with or without the mark Excel writes for "CSV UTF-8"."""
    return "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"


def separator(data: bytes | str) -> str:
    """The separator the header line uses most outside quotes; commas if it uses none."""
    sample = data[:HEADER_SAMPLE_BYTES]
    if isinstance(sample, bytes):
        sample = sample.decode(_encoding(sample), errors="replace")
    header = QUOTED.sub("", sample.split("\n", 1)[0])
    return max(SEPARATORS, key=lambda mark: (header.count(mark), mark == ","))


def _text(data: bytes | str) -> IO[str]:
    """The file as text decoded a few kilobytes at a time (BytesIO shares `data`, no copy),
    its byte-order mark dropped."""
    if isinstance(data, str):
        return io.StringIO(data)
    return io.TextIOWrapper(io.BytesIO(data), encoding=_encoding(data), errors="strict", newline="")


def csv_records(data: bytes | str, *, delimiter: str = ",") -> Records:
    """(row number, cells) for every record, the header as row 1, parsed as they are read.
    A record that is not CSV or text that is not UTF-8 is an ImportRejected naming its row."""
    reader = csv.reader(_text(data), delimiter=delimiter)
    number = HEADER_ROW
    try:
        for number, cells in enumerate(reader, start=HEADER_ROW):
            yield number, cells
    except UnicodeDecodeError:
        message = "the file is not UTF-8 text; save it as CSV UTF-8"  # nor UTF-16 with a mark
        raise ImportRejected([RowProblem(HEADER_ROW, "-", message)]) from None
    except csv.Error as error:
        message = f"cannot be read as CSV ({error}); check its quotes"
        raise ImportRejected([RowProblem(number + 1, "-", message)]) from None


def header_names(cells: list[str]) -> list[str]:
    return [cell.strip().lower() for cell in cells]


def data_rows(records: Records, names: list[str]) -> Iterator[Row]:
    """(row number, {column: text}) for each record below the header with anything in it."""
    for number, cells in records:
        if any(cell.strip() for cell in cells):
            width = len(cells)
            yield number, {n: cells[i].strip() if i < width else "" for i, n in enumerate(names)}


def count_data_rows(
    data: bytes | str, *, delimiter: str = ",", stop_after: int | None = None
) -> int:
    """How many records below the header have anything in them, parsed but never kept;
    counting stops at `stop_after` + 1, so a file far over a limit is not read to its end."""
    count = 0
    for number, cells in csv_records(data, delimiter=delimiter):
        if number > HEADER_ROW and any(cell.strip() for cell in cells):
            count += 1
            if stop_after is not None and count > stop_after:
                break
    return count


def read_csv(data: bytes | str, *, required: Iterable[str]) -> list[Row]:
    """(row number, cells) for each data row; the header is row 1 as in a spreadsheet.
    Column names are matched without regard to case or surrounding spaces."""
    records = csv_records(data, delimiter=separator(data))
    header = next(records, None)
    if header is None:
        raise ImportRejected([RowProblem(HEADER_ROW, "-", "the file is empty")])
    names = header_names(header[1])
    missing = [column for column in required if column not in names]
    if missing:
        raise ImportRejected(
            [
                RowProblem(HEADER_ROW, column, "column is missing from the header")
                for column in missing
            ]
        )
    return list(data_rows(records, names))
