"""The outbox page: what the service has sent, and what it kept because no provider is set
up (plainly marked as not sent)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import PageCaller, SessionDep
from dfc.audit.models import AuditAction, SubjectType
from dfc.audit.writer import commit_audit, record_access
from dfc.listing import PageRequest, apply_sort, paginate
from dfc.web.templating import render
from notifications import outbox_reading
from notifications.api.outbox import SORTABLE
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
    statement = outbox_reading.visible_messages(caller, status=status)
    statement = apply_sort(statement, "-id", columns=SORTABLE, default="-id")
    messages = paginate(session, statement, PageRequest(page=page, per_page=50))
    # Each message shows a family's number and the words sent to them.
    record_access(
        session,
        caller,
        request,
        action=AuditAction.READ,
        subject_type=SubjectType.OUTBOX_MESSAGE,
        subjects=[message.id for message in messages.items],
    )
    commit_audit(session)
    return render(
        request,
        "notifications/outbox.html",
        {"messages": messages, "status": status, "statuses": list(MessageStatus)},
        caller=caller,
    )
