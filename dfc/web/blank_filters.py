"""A filter form submitted with "Any" sends `status=`; on a page that means "no filter",
not a wrong status. Blank query parameters are dropped from page requests before routing,
so every list page reads a blank choice as no choice. API requests keep them as sent."""

from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Receive, Scope, Send


class BlankFiltersMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and not scope["path"].startswith("/api/")
            and scope.get("query_string")
        ):
            pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
            kept = [(key, value) for key, value in pairs if value.strip()]
            if len(kept) != len(pairs):
                scope = {**scope, "query_string": urlencode(kept).encode("latin-1")}
        await self.app(scope, receive, send)
