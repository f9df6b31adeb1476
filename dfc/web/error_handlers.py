"""One place that turns errors into answers: JSON for the API, a plain page for people,
and never a stack trace."""

import logging
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from dfc.errors import DomainError, NotSignedIn, error_body
from dfc.i18n import N_, translations
from dfc.web import openapi
from dfc.web.templating import page_language, render

log = logging.getLogger(__name__)
PAGE_TITLES = {
    400: N_("There is a problem"),
    401: N_("You need to sign in"),
    403: N_("You cannot do that"),
    404: N_("Page not found"),
    405: N_("You cannot do that"),
    409: N_("That cannot be done now"),
    422: N_("There is a problem"),
    429: N_("Too many attempts"),
    500: N_("Sorry, there is a problem with the service"),
}
# The code and words of an HTTP error the router raises, rather than a domain error.
HTTP_CODES = {
    401: ("not-signed-in", "Sign in first"),
    403: ("forbidden", "You cannot do that"),
    404: ("not-found", "There is nothing at this address; check it against the API's docs"),
    405: ("method-not-allowed", "This address does not take that method; see the Allow header"),
    422: ("invalid", "The request's body could not be read"),
}
PAGE_MESSAGES = {
    404: N_("If you typed the web address, check it is correct."),
    500: N_("Try again later. Nothing you entered has been saved."),
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api") or "text/html" not in request.headers.get(
        "accept", ""
    )


def _page(request: Request, status_code: int, message: str | None) -> Response:
    _ = translations(page_language(request).code).gettext
    title = _(PAGE_TITLES.get(status_code, PAGE_TITLES[400]))
    body = message or _(PAGE_MESSAGES.get(status_code, ""))
    return render(request, "error.html", {"title": title, "message": body}, status_code=status_code)


async def domain_error(request: Request, error: DomainError) -> Response:
    if _wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, NotSignedIn) else None
        return JSONResponse(error.body(), status_code=error.status_code, headers=headers)
    if isinstance(error, NotSignedIn) and request.method == "GET":
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/sign-in?{urlencode({'next': back})}", 303)
    return _page(request, error.status_code, error.message)


async def http_error(request: Request, error: HTTPException) -> Response:
    """The router's 404 and 405, and a body Starlette could not parse (its 400, answered
    422 by the API like every other mistake in a request; a page keeps its 400)."""
    if not _wants_json(request):
        return _page(request, error.status_code, None)
    status_code = 422 if error.status_code == 400 else error.status_code
    code, detail = HTTP_CODES.get(status_code, ("error", str(error.detail)))
    if status_code == 422:
        detail = f"The request's body could not be read: {error.detail}"
    return JSONResponse(
        error_body(detail, code=code, field="body" if status_code == 422 else None),
        status_code=status_code,
        headers=getattr(error, "headers", None),
    )


def _field(location: tuple) -> str:
    """("body", "items", 0, "serial") as "items.0.serial"; a query or path parameter by its
    name; a header or cookie as "header.x-api-key"."""
    parts = [str(part) for part in location]
    if parts and parts[0] in ("body", "query", "path") and len(parts) > 1:
        parts = parts[1:]
    return ".".join(parts)


async def validation_error(request: Request, error: RequestValidationError) -> Response:
    problems = [
        {
            # JSON that does not parse is located by its character offset: name the body.
            "field": "body" if problem["type"] == "json_invalid" else _field(problem["loc"]),
            "message": problem["msg"],
        }
        for problem in error.errors()
    ]
    if _wants_json(request):
        named = "; ".join(f"{p['field']}: {p['message']}" for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        detail = f"The request has problems: {named}{more}"
        return JSONResponse(error_body(detail, code="invalid", problems=problems), status_code=422)
    return _page(request, 400, "; ".join(f"{p['field']}: {p['message']}" for p in problems))


async def out_of_range(request: Request, error: OverflowError | DataError) -> Response:
    """An id, page or date too large for the database or the calendar (SQLite refuses
    integers over 2**63, PostgreSQL an integer column's over 2**31; there is no day after
    31 December 9999): the request's fault, and nothing was saved."""
    log.warning("out of range on %s %s: %s", request.method, request.url.path, error)
    message = "A number or date in the request is too large or too small; nothing was saved"
    if _wants_json(request):
        return JSONResponse(error_body(message, code="out-of-range"), status_code=422)
    return _page(request, 400, message)


async def unexpected_error(request: Request, error: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if _wants_json(request):
        message = "Something went wrong on our side; nothing was saved"
        return JSONResponse(error_body(message, code="server-error"), status_code=500)
    return _page(request, 500, None)


async def client_gone(request: Request, _error: ClientDisconnect) -> Response:
    """The client hung up before sending its whole request (a phone losing signal, Twilio
    giving up): nobody is left to answer and nothing was saved, so no error is logged."""
    log.info("the client went away during %s %s", request.method, request.url.path)
    return Response(status_code=400)


def install(app: FastAPI) -> None:
    openapi.install(app)  # documents these answers on every operation
    app.add_exception_handler(DomainError, domain_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(DataError, out_of_range)
    app.add_exception_handler(ClientDisconnect, client_gone)
    app.add_exception_handler(Exception, unexpected_error)
