"""Reading an uploaded CSV or XLSX file into rows of text cells, so one validator serves both.
A file is measured before anything parses it (a workbook's zip directory and its sheet's row
ends, a CSV's lines), so one too big, too long or packed like a zip bomb is refused at once;
its rows are then read one at a time, never all held at once."""

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import PurePath
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_rels_path
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.xml.functions import fromstring

from devices.imports.header import check_header
from dfc.csv_import import (
    HEADER_ROW,
    SEPARATORS,
    ImportRejected,
    Records,
    Row,
    RowProblem,
    count_data_rows,
    csv_records,
    data_rows,
    header_names,
    separator,
)
from dfc.settings import get_settings

SUFFIXES = (".csv", ".xlsx")
MB = 1_000_000
# A part of a workbook packed more than RATIO_LIMIT to 1 and bigger than RATIO_FROM_BYTES
# unpacked is refused: real sheets pack about 5 to 20 to 1; zip bombs thousands to 1.
RATIO_LIMIT = 100
RATIO_FROM_BYTES = 10 * MB
# The parts read (in the web request) to find the first sheet are small in any real file.
PACKAGE_PART_BYTES = 10 * MB
CONTENT_TYPES = "[Content_Types].xml"
ROW_END = re.compile(rb"</(?:[A-Za-z_][\w.-]{0,30}:)?row>")
# What a damaged or disguised workbook raises from zipfile, zlib, openpyxl or the XML parser.
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    InvalidFileException,
    EOFError,
    IndexError,
    KeyError,
    OSError,
    SyntaxError,
    TypeError,
    ValueError,
)


def _whole_file(message: str) -> ImportRejected:
    return ImportRejected([RowProblem(HEADER_ROW, "-", message)])


def _unreadable(filename: str) -> ImportRejected:
    return _whole_file(f"{filename!r} is not a readable .xlsx workbook")


def _size(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size >= MB / 10 else f"{size / 1000:,.0f} KB"


def _suffix(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in SUFFIXES:
        raise _whole_file(f"{filename!r} is not a .csv or .xlsx file")
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


def _check_row_limit(rows: int) -> None:
    limit = get_settings().MAX_IMPORT_ROWS
    if rows > limit:
        raise _whole_file(
            f"the file has more than {limit:,} rows, the most one import takes; "
            f"split it into files of at most {limit:,} rows"
        )


@contextmanager
def _archive(data: bytes, filename: str) -> Iterator[zipfile.ZipFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except UNREADABLE:
        raise _unreadable(filename) from None
    with archive:
        yield archive


def _check_unpacked(archive: zipfile.ZipFile) -> int:
    """The bytes the workbook unpacks to, from the zip's directory alone (zipfile never
    unpacks a part past the size its directory gives), refused if too many or too dense."""
    limit = get_settings().MAX_XLSX_UNPACKED_BYTES
    parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    if total > limit:
        raise _whole_file(
            f"the workbook unpacks to {_size(total)}, more than the limit of {_size(limit)}; "
            "save it as CSV or split it"
        )
    for part in parts:
        if part.file_size > max(RATIO_FROM_BYTES, RATIO_LIMIT * part.compress_size):
            raise _whole_file(
                f"the workbook's part {part.filename} unpacks to {_size(part.file_size)} from "
                f"{_size(part.compress_size)}, more than {RATIO_LIMIT} times its packed size, "
                "so it is refused as unsafe; save the sheet as CSV and upload that"
            )
    return total


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    if archive.getinfo(name).file_size > PACKAGE_PART_BYTES:
        raise ValueError(f"{name} is too large to be a workbook's own part")
    return archive.read(name)


def _first_sheet_part(archive: zipfile.ZipFile) -> str:
    """Where the first worksheet's XML is, from the workbook's small index parts only (not
    its strings, styles or cells), as openpyxl would find it."""
    manifest = Manifest.from_tree(fromstring(_small_part(archive, CONTENT_TYPES)))
    workbook_part = _find_workbook_part(manifest).PartName[1:]
    for name in (workbook_part, get_rels_path(workbook_part)):
        _small_part(archive, name)
    parser = WorkbookParser(archive, workbook_part, keep_links=False)
    parser.parse()
    names = set(archive.namelist())
    for _sheet, rel in parser.find_sheets():
        if rel.target in names and "chartsheet" not in rel.Type:
            return rel.target
    raise KeyError("the workbook has no worksheet")


def _counted_row_ends(source: IO[bytes], *, stop_after: int | None = None) -> int:
    """How many rows a sheet's XML closes, read a megabyte at a time without parsing cells;
    counting stops once past `stop_after`."""
    count, tail = 0, b""
    while chunk := source.read(2**20):
        window = tail + chunk
        keep_from = max(len(window) - 64, 0)  # a row end cut in two by the chunk is kept
        for match in ROW_END.finditer(window):
            count += 1
            keep_from = max(keep_from, match.end())  # so no row end is counted twice
        if stop_after is not None and count > stop_after:
            break
        tail = window[keep_from:]
    return count


def _sheet_rows(archive: zipfile.ZipFile, filename: str) -> int:
    """The first sheet's rows below the header (empty rows a writer stored included)."""
    limit = get_settings().MAX_IMPORT_ROWS
    try:
        with archive.open(_first_sheet_part(archive)) as source:
            return max(_counted_row_ends(source, stop_after=limit + 1) - 1, 0)
    except UNREADABLE:
        raise _unreadable(filename) from None


@dataclass(frozen=True)
class Measure:
    """A file's size as the importers would see it, found without parsing its cells."""

    rows: int  # data rows (a CSV's lines, which may over-count; the rows a sheet holds)
    unpacked_bytes: int  # what a parser would read: the file itself, or the unpacked workbook


def measure(data: bytes, *, filename: str) -> Measure:
    """The file's rows and unpacked size, cheaply enough for a web request; refuses a file
    with more rows than MAX_IMPORT_ROWS or a workbook that unpacks too large or too dense."""
    if _suffix(filename) == ".csv":
        rows = max(data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1, 0)
        if rows > get_settings().MAX_IMPORT_ROWS:  # lines may be cells with line breaks
            limit = get_settings().MAX_IMPORT_ROWS
            rows = count_data_rows(data, delimiter=separator(data), stop_after=limit)
        _check_row_limit(rows)
        return Measure(rows=rows, unpacked_bytes=len(data))
    with _archive(data, filename) as archive:
        unpacked = _check_unpacked(archive)
        rows = _sheet_rows(archive, filename)
    _check_row_limit(rows)
    return Measure(rows=rows, unpacked_bytes=unpacked)


@contextmanager
def _first_sheet(data: bytes, filename: str) -> Iterator[ReadOnlyWorksheet]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        sheet = workbook.worksheets[0]
    except UNREADABLE:
        raise _unreadable(filename) from None
    try:
        yield sheet
    finally:
        workbook.close()


def _xlsx_records(data: bytes, filename: str) -> Records:
    """(row number, cells as text) for each row of the first sheet, the header as row 1."""
    with _first_sheet(data, filename) as sheet:
        # Some writers store a wrong size; forgetting it makes openpyxl read every row.
        sheet.reset_dimensions()
        values = sheet.iter_rows(values_only=True)
        number = HEADER_ROW
        while True:
            try:
                row = next(values)
            except StopIteration:
                return
            except UNREADABLE:
                raise _whole_file(
                    f"row {number + 1} onwards of {filename!r} cannot be read; "
                    "save it again from a spreadsheet program"
                ) from None
            yield number, [_cell_text(value) for value in row]
            number += 1


class Table:
    """A file's columns and rows, read once, one row at a time as the importer asks."""

    def __init__(self, *, columns: list[str], names: list[str], rows: int, records: Records):
        self.columns = columns  # the header's names, each once, in order
        self.rows = rows  # how many data rows, for progress (a sheet's may include empty ones)
        self._names = names
        self._records = records

    def __iter__(self) -> Iterator[Row]:
        """(row number, {lower-case column: text}) for each non-empty row below the header."""
        found = False
        for row in data_rows(self._records, self._names):
            found = True
            yield row
        if not found:
            raise _whole_file("the file has no rows below its header")


def read_rows(
    data: bytes,
    *,
    filename: str,
    required: Iterable[str] = (),
    known: Iterable[str] = (),
    one_of: Iterable[str] = (),
) -> Table:
    """The file's header, checked, and its rows to read; the header is row 1. A column
    outside `known` is refused (when given), so a misspelt column is not ignored; so is a
    header without any of `one_of` (when given). A CSV may separate its columns with commas,
    semicolons or tabs: the header line says which."""
    limit = get_settings().MAX_IMPORT_ROWS
    if _suffix(filename) == ".xlsx":
        with _archive(data, filename) as archive:
            _check_unpacked(archive)
            rows = _sheet_rows(archive, filename)
        records, separated_by = _xlsx_records(data, filename), None
    else:
        delimiter = separator(data)
        rows = count_data_rows(data, delimiter=delimiter, stop_after=limit)
        records, separated_by = csv_records(data, delimiter=delimiter), SEPARATORS[delimiter]
    _check_row_limit(rows)
    header = next(records, None)
    if header is None:
        raise _whole_file("the file is empty")
    names = header_names(header[1])
    columns = [name for name in dict.fromkeys(names) if name]
    check_header(columns, required=required, known=known, one_of=one_of, separated_by=separated_by)
    if rows == 0:
        raise _whole_file("the file has no rows below its header")
    return Table(columns=columns, names=names, rows=rows, records=records)
