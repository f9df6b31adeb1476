"""The outbox page: what the service has sent, and what it kept because no provider is set
up (plainly marked as not sent)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import PageCaller, SessionDep
from dfc.audit.seen import Where
from dfc.paging import Paging
from dfc.web.templating import render
from notifications import outbox_reading
from notifications.models import MessageStatus

router = APIRouter(include_in_schema=False)


@router.get("/outbox")
def outbox_page(
    request: Request,
    session: SessionDep,
    caller: PageCaller,
    page: Annotated[int, Query(ge=1)] = 1,
    status: MessageStatus | None = None,
) -> Response:
    if caller is None:
        return RedirectResponse("/sign-in", status_code=303)
    messages = outbox_reading.list_messages(
        session,
        Paging(page=page, per_page=50),
        caller=caller,
        seen=Where.of(request),
        status=status,
    )
    return render(
        request,
        "notifications/outbox.html",
        {"messages": messages, "status": status, "statuses": list(MessageStatus)},
        caller=caller,
    )
