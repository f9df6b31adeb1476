"""The support desk's staff pages: the queue here; the ticket page and its actions in
`desk_ticket` and `desk_actions`, all under this router."""

from typing import Annotated, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts.deps import SessionDep
from dfc.audit.seen import SeenAt
from dfc.paging import PagingDep
from dfc.web.templating import render
from support import desk
from support.models import Category, Team, TicketStatus
from support.pages import desk_actions, desk_language, desk_ticket
from support.pages.desk_common import (
    CATEGORY,
    LANGUAGE_CHOICES,
    SLA,
    STATUS,
    TEAM,
    Blank,
    Now,
    TicketReader,
    choices,
    language_label,
)
from support.queue import (
    EXCERPT_LENGTH,
    RUNNING,
    Assigned,
    QueueFilters,
    list_queue,
)
from support.sla import SlaState

router = APIRouter(include_in_schema=False)
DEFAULT_SORT = "sla_due"
ANY_STATUS = "all"


@router.get("/tickets")
def ticket_queue(
    request: Request,
    seen: SeenAt,
    session: SessionDep,
    caller: TicketReader,
    paging: PagingDep,
    now: Now,
    status: Annotated[TicketStatus | Literal["all"] | None, Blank] = None,
    language: Annotated[str | None, Blank] = None,
    category: Annotated[Category | None, Blank] = None,
    team: Annotated[Team | None, Blank] = None,
    sla: Annotated[SlaState | None, Blank] = None,
    assigned: Annotated[Assigned | None, Blank] = None,
    my_languages: Annotated[bool | None, Blank] = None,
    council: Annotated[int | None, Blank] = None,
) -> Response:
    """Tickets still open by default, the most pressing SLA first; every filter in the URL."""
    filters = QueueFilters(
        statuses=_statuses(status),
        language=language,
        category=category,
        team=team,
        sla=sla,
        assigned=assigned,
        my_languages=bool(my_languages),
        council=council,
    )
    found = list_queue(
        session,
        paging,
        caller=caller,
        filters=filters,
        now=now,
        seen=seen,
        default_sort=DEFAULT_SORT,
    )
    if isinstance(found, Response):
        return found
    return render(
        request,
        "support/desk_queue.html",
        {
            "tickets": found,
            "filters": filters,
            "status": status.value if isinstance(status, TicketStatus) else status,
            "default_sort": DEFAULT_SORT,
            "can_work": desk.can_work(caller),
            "labels": {"status": STATUS, "category": CATEGORY, "sla": SLA},
            "language_of": language_label,
            "excerpt_length": EXCERPT_LENGTH,
            "status_choices": [*choices(STATUS), (ANY_STATUS, "Any status")],
            "language_choices": LANGUAGE_CHOICES,
            "category_choices": choices(CATEGORY),
            "team_choices": choices(TEAM),
            "sla_choices": choices(SLA),
            "assigned_choices": [(Assigned.ME.value, "Me"), (Assigned.NOBODY.value, "Nobody")],
        },
        caller=caller,
        staff=True,
    )


def _statuses(status: TicketStatus | str | None) -> tuple[TicketStatus, ...] | None:
    if status == ANY_STATUS:
        return None
    if isinstance(status, TicketStatus):
        return (status,)
    return RUNNING


router.include_router(desk_ticket.router)
router.include_router(desk_actions.router)
router.include_router(desk_language.router)
