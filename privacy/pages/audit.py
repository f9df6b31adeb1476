"""The data protection section's front page, and the access audit for a council's data
protection lead: who read or exported which family's data, filtered, sorted, paged and as
CSV. Looking at the audit is not itself audited: it shows staff actions, not family data."""

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts.deps import SessionDep
from accounts.staff import CouncilStaff
from dfc.audit.models import AuditAction
from dfc.errors import InvalidInput
from dfc.paging import PagingDep, listing
from dfc.web.templating import render
from privacy import audit

router = APIRouter(include_in_schema=False)
DEFAULT_SORT = "-occurred_at"
# A filter left empty is sent as an empty value; it means no filter.
ACTION_LABELS = {
    AuditAction.READ: "Read",
    AuditAction.EXPORT: "Exported",
    AuditAction.SEARCH: "Searched for",
    AuditAction.SUBJECT_ACCESS: "Subject access",
    AuditAction.ERASURE: "Erased",
}
# Other parts of the section, shown on its front page when the app has them.
SECTIONS = (
    (
        "/privacy/subject-access",
        "Subject access and erasure",
        "Find everything held about a "
        "family by phone number or pupil reference, export it, or erase it on request.",
    ),
    (
        "/privacy/audit",
        "Access audit",
        "Who read or exported a family's personal data, when, and through which page or API.",
    ),
    (
        "/privacy/agreements",
        "Information sharing agreements",
        "The agreements under which family data is shared with other organisations.",
    ),
)


EARLIEST, LATEST = date(2000, 1, 1), date(2999, 12, 31)


def day_of(text: str | None, field: str) -> date | None:
    """A date typed as YYYY-MM-DD, or a 422 naming the filter."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            "Enter the date as year-month-day, like 2026-03-27", field=field
        ) from None
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"Enter a date between {EARLIEST.year} and {LATEST.year}", field=field)
    return day


@router.get("/privacy")
def privacy_home(request: Request, caller: CouncilStaff) -> Response:
    from privacy.routes import PAGE_ROUTERS  # they include this module's router

    paths = {getattr(route, "path", "") for router in PAGE_ROUTERS for route in router.routes}
    sections = [section for section in SECTIONS if section[0] in paths]
    return render(
        request, "privacy/privacy_home.html", {"sections": sections}, caller=caller, staff=True
    )


@router.get("/privacy/audit")
def audit_list(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
    actor: str | None = None,
    family_id: int | None = None,
    action: AuditAction | None = None,
    since: str | None = None,
    until: str | None = None,
) -> Response:
    filters = audit.AuditFilters(
        actor=actor,
        family_id=family_id,
        action=action,
        since=day_of(since, "since"),
        until=day_of(until, "until"),
    )
    found = listing(
        session,
        audit.visible_audit(caller, filters),
        paging,
        sortable=audit.SORTABLE,
        default_sort=DEFAULT_SORT,
        columns=audit.CSV_COLUMNS,
        filename="access-audit.csv",
    )
    if isinstance(found, Response):
        return found
    return render(
        request,
        "privacy/privacy_audit.html",
        {
            "rows": found,
            "filters": {"actor": actor, "family_id": family_id, "since": since, "until": until},
            "action": action.value if action else None,
            "action_choices": [(a.value, label) for a, label in ACTION_LABELS.items()],
            "action_labels": ACTION_LABELS,
            "default_sort": DEFAULT_SORT,
        },
        caller=caller,
        staff=True,
    )
