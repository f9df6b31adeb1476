"""Where personal data is seen: the one thing a route hands to the services that show it.
Routes and pages import this, never the audit writer: the services write the audit rows."""

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request


@dataclass(frozen=True)
class Where:
    """Why the data was read: the route (its template and the address) and the method."""

    method: str
    route: str
    path: str

    @classmethod
    def of(cls, request: Request) -> "Where":
        template = getattr(request.scope.get("route"), "path", None) or request.url.path
        return cls(method=request.method, route=template[:200], path=request.url.path[:500])


SeenAt = Annotated[Where, Depends(Where.of)]
"""Where a route shows what it reads: the one thing a route gives the audit."""
