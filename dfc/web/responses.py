"""Response helpers shared by the API and the pages."""

from collections.abc import Iterator

from fastapi.responses import StreamingResponse


def csv_response(lines: Iterator[str], *, filename: str) -> StreamingResponse:
    return StreamingResponse(
        lines,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
