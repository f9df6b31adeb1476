"""Links that keep a list's filters, sort and page in the URL, so every view can be
bookmarked, shared and reloaded."""

from urllib.parse import urlencode

from fastapi import Request

PAGE_KEYS = ("page", "after")


def url_with(request: Request, **changes: object) -> str:
    """This page's URL with some query parameters changed; None or "" removes one. Changing
    a filter or the sort goes back to the first page."""
    params = dict(request.query_params.multi_items())
    params.pop("after", None)  # a keyset cursor belongs to the one link that sets it
    if any(key not in PAGE_KEYS for key in changes):
        params.pop("page", None)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    params.pop("format", None)
    params.pop("done", None)  # a success banner belongs to the page it was shown on
    query = urlencode(params)
    return f"{request.url.path}?{query}" if query else request.url.path


def csv_url(request: Request) -> str:
    """The same list as CSV: every matching row, in the current sort."""
    params = {k: v for k, v in request.query_params.multi_items() if k not in ("page", "lang")}
    params["format"] = "csv"
    return f"{request.url.path}?{urlencode(params)}"
