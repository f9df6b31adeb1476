"""Sending a stored photo or PDF to staff who may read it (a ticket's media, an incident's
evidence): its checked type, never sniffed, never cached, and a photo sandboxed."""

from dataclasses import dataclass

from fastapi.responses import Response

EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "application/pdf": "pdf",
}


@dataclass(frozen=True)
class StoredFile:
    data: bytes
    content_type: str
    filename: str
    inline: bool  # a photo opens in the browser; a PDF is downloaded


def file_response(stored: StoredFile) -> Response:
    """The file as sent to staff: its checked type, never sniffed, never cached (it is
    personal data), and a photo sandboxed so nothing in it can run."""
    disposition = "inline" if stored.inline else "attachment"
    return Response(
        content=stored.data,
        media_type=stored.content_type,
        headers={
            "Content-Disposition": f'{disposition}; filename="{stored.filename}"',
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; img-src 'self'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
