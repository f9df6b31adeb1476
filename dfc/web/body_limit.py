"""A size limit on every request body, checked before anything reads it: a file uploaded to
an import may be MAX_UPLOAD_BYTES, any other body MAX_REQUEST_BYTES. A larger body is
answered 413 from its Content-Length alone, or, when it is sent in chunks without one, as
soon as the bytes received pass the limit (the rest is never read)."""

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dfc.errors import error_body
from dfc.settings import get_settings
from dfc.web.templating import render

# Where a file is uploaded as multipart/form-data: the import API (the schools' list of the
# whole country is over a megabyte too) and the imports page.
UPLOAD_PATHS = ("/api/imports/",)
UPLOAD_EXACT = ("/api/schools/import", "/imports")
# An incident's photo or PDF (up to MEDIA_MAX_BYTES, checked again when it is stored).
UPLOAD_FILES_UNDER = ("/api/incidents/", "/incidents/")
TITLE = "The file or form is too large"


class BodyTooLarge(Exception):
    """Raised to the app from `receive` once the body has passed its limit."""


def _is_upload(scope: Scope) -> bool:
    path, headers = scope["path"], dict(scope["headers"])
    multipart = headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data")
    at_upload = path.startswith(UPLOAD_PATHS) or path.rstrip("/") in UPLOAD_EXACT
    at_upload = at_upload or (path.startswith(UPLOAD_FILES_UNDER) and path.endswith("/files"))
    return scope["method"] == "POST" and multipart and at_upload


def _declared_length(scope: Scope) -> int | None:
    value = dict(scope["headers"]).get(b"content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None  # the server refuses a malformed length; the bytes are counted anyway


def size_text(size: int) -> str:
    """1000000 as '1 MB' (the settings are written in decimal units, so the text is too)."""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def _message(limit: int, *, upload: bool) -> str:
    if upload:
        return (
            f"The file is larger than the limit of {size_text(limit)}. "
            "Split it into smaller files and upload each one."
        )
    return f"The request is larger than the limit of {size_text(limit)}. Send less at a time."


def _answer(scope: Scope, limit: int, *, upload: bool) -> Response:
    message = _message(limit, upload=upload)
    request = Request(scope)
    if scope["path"].startswith("/api") or "text/html" not in request.headers.get("accept", ""):
        answer: Response = JSONResponse(
            error_body(message, code="too-large", limit_bytes=limit), status_code=413
        )
    else:
        context = {"title": TITLE, "message": message}
        answer = render(request, "error.html", context, status_code=413)
    answer.headers["connection"] = "close"  # the rest of the body is never read
    return answer


class BodyLimitMiddleware:
    """Pure ASGI, so a body within the limit streams through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        upload = _is_upload(scope)
        limit = settings.MAX_UPLOAD_BYTES if upload else settings.MAX_REQUEST_BYTES
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _answer(scope, limit, upload=upload)(scope, receive, send)
            return
        received, too_large, started = 0, False, False

        async def counted_receive() -> Message:
            nonlocal received, too_large
            if too_large:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    too_large = True
                    raise BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if too_large and not started:
                return  # whatever the app made of a body it could not read; ours goes instead
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large and not started:
            await _answer(scope, limit, upload=upload)(scope, receive, send)
