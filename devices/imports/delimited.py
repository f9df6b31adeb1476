"""A CSV file's own separator, found from its header line: commas, semicolons (what Excel
writes where the decimal point is a comma) or tabs (a spreadsheet's "Text (Tab delimited)");
then its records, parsed as they are read, with the separator it uses.

dfc.csv_import reads commas only; this is the same reader with the separator as a choice."""

import codecs
import csv
import io
import re
from collections.abc import Iterator
from typing import IO

from dfc.csv_import import HEADER_ROW, ImportRejected, RowProblem

Records = Iterator[tuple[int, list[str]]]
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
HEADER_SAMPLE_BYTES = 64 * 1024  # far longer than any header line we take
QUOTED = re.compile(r'"[^"]*"')


def _encoding(data: bytes) -> str:
    """UTF-16 when the file starts with its byte-order mark (Excel's "Unicode Text", which is
    tab-separated), else UTF-8, with or without the mark Excel writes for "CSV UTF-8"."""
    return "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"


def separator(data: bytes) -> str:
    """The separator the header line uses most outside quotes; commas if it uses none."""
    sample = data[:HEADER_SAMPLE_BYTES].decode(_encoding(data), errors="replace")
    header = QUOTED.sub("", sample.split("\n", 1)[0])
    return max(SEPARATORS, key=lambda mark: (header.count(mark), mark == ","))


def _text(data: bytes) -> IO[str]:
    """The file as text decoded a few kilobytes at a time (BytesIO shares `data`, no copy),
    its byte-order mark dropped."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=_encoding(data), errors="strict", newline="")


def csv_records(data: bytes, *, delimiter: str) -> Records:
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


def count_data_rows(data: bytes, *, delimiter: str, stop_after: int | None = None) -> int:
    """How many records below the header have anything in them, parsed but never kept;
    counting stops at `stop_after` + 1, so a file far over a limit is not read to its end."""
    count = 0
    for number, cells in csv_records(data, delimiter=delimiter):
        if number > HEADER_ROW and any(cell.strip() for cell in cells):
            count += 1
            if stop_after is not None and count > stop_after:
                break
    return count
