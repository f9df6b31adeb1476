"""Response helpers shared by the API and the pages."""

from collections.abc import Iterable, Iterator

from fastapi.responses import StreamingResponse

# Excel on Windows reads a CSV file as the computer's legacy code page unless it starts with
# UTF-8's byte-order mark; with it, Arabic, Polish or Somali names open as written.
BYTE_ORDER_MARK = "\ufeff"


def _marked(lines: Iterable[str]) -> Iterator[str]:
    yield BYTE_ORDER_MARK
    yield from lines


def csv_response(lines: Iterable[str], *, filename: str) -> StreamingResponse:
    """Every CSV download: UTF-8 with a byte-order mark, streamed a line at a time."""
    return StreamingResponse(
        _marked(lines),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
