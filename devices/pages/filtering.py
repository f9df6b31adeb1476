"""Safeguarding pages: the unfiltered devices (filtered by school and reason, sorted, paged
and exported as CSV, like every list), the council's safeguarding settings, and a router's
filtering review confirmed by staff."""

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.models import Organisation, OrganisationKind
from accounts.staff import CouncilStaff, SchoolStaff
from devices import filtering
from devices.models import CouncilSafeguarding
from devices.service import safeguarding
from devices.service.access import organisation_names, schools_reached
from dfc import clock
from dfc.caller import Caller, Role
from dfc.errors import DomainError, InvalidInput
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of, problems_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
CouncilParam = Annotated[int | None, Query(ge=1, description="a council, for administrators")]
REASONS = {
    filtering.Reason.NO_FILTERING.value: "No web filter licence or filtering management",
    filtering.Reason.SIM_REPLACED.value: "Router's SIM replaced: review its filtering",
}
MANAGER_FIELDS = ("intune_filters", "google_admin_filters", "other_mdm_filters")


def _council(session: Session, caller: Caller, council: int | None) -> Organisation | None:
    """The council whose lead the page shows; none for the scheme until one is chosen."""
    if caller.organisation_kind is OrganisationKind.SCHEME and council is None:
        return None
    try:
        return safeguarding.council_of(session, caller, council)
    except InvalidInput:
        return None


@router.get("/unfiltered")
def unfiltered_page(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    school: int | None = None,
    reason: filtering.Reason | None = None,
) -> Response:
    filters = filtering.Filters(school_id=school, reason=reason)
    statement = filtering.unfiltered(caller, today=clock.today(), filters=filters)
    columns = {column.name: column for column in statement.selected_columns}
    found = listing(
        session,
        statement,
        paging,
        sortable=columns,
        default_sort=filtering.DEFAULT_SORT,
        columns=list(columns),
        filename="unfiltered.csv",
        tiebreak=[columns["item"], columns["device_id"], columns["dongle_id"]],
    )
    if isinstance(found, Response):
        return found
    council = _council(session, caller, None)
    rows = [dict(row._mapping) for row in found.items]
    return render(
        request,
        "devices/unfiltered.html",
        {
            "found": found,
            "rows": rows,
            "names": organisation_names(session, caller, {row["holder_id"] for row in rows}),
            "filters": filters,
            "default_sort": filtering.DEFAULT_SORT,
            "schools": schools_reached(session, caller),
            "reasons": REASONS,
            "council": council,
            "lead": safeguarding.lead_of(session, council.id) if council else None,
        },
        caller=caller,
        staff=True,
    )


def _settings_page(
    request: Request,
    session: Session,
    caller: Caller,
    council: Organisation | None,
    *,
    values: dict[str, Any] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    saved = safeguarding.settings_of(session, council.id) if council else None
    if values is None:
        values = _values(saved)
    return render(
        request,
        "devices/safeguarding.html",
        {
            "council": council,
            "saved": saved,
            "values": values,
            "field_errors": field_errors or {},
            "chooses_council": caller.organisation_kind is OrganisationKind.SCHEME,
            "can_change": council is not None
            and (
                caller.has_role(Role.SCHEME_ADMIN)
                or (caller.organisation_id == council.id and caller.has_role(Role.COUNCIL_OFFICER))
            ),
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


def _values(saved: CouncilSafeguarding | None) -> dict[str, Any]:
    if saved is None:
        return {}
    return {
        "lead_name": saved.lead_name or "",
        "lead_email": saved.lead_email or "",
        **{name: getattr(saved, name) for name in MANAGER_FIELDS},
    }


@router.get("/safeguarding")
def settings_page(
    request: Request, session: SessionDep, caller: CouncilStaff, council: CouncilParam = None
) -> Response:
    return _settings_page(request, session, caller, _council(session, caller, council))


@router.post("/safeguarding")
async def save_settings(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    council: Annotated[int | None, Form(ge=1)] = None,
) -> Response:
    values = values_of(await request.form())
    chosen = safeguarding.council_of(session, caller, council)
    shown = {
        "lead_name": values.get("lead_name") or "",
        "lead_email": values.get("lead_email") or "",
        **{name: bool(values.get(name)) for name in MANAGER_FIELDS},
    }
    try:
        settings_in = safeguarding.SafeguardingIn(**shown)
        safeguarding.set_settings(session, caller=caller, council=chosen, settings_in=settings_in)
    except ValidationError as error:
        errors = problems_of(
            error, {"lead_email": "Enter an email address like name@council.gov.uk"}
        )
    except DomainError as error:
        errors = problem_of(error)
    else:
        session.commit()
        where = f"?council={council}" if council else ""
        return RedirectResponse(f"/safeguarding{where}", status_code=303)
    session.rollback()
    return _settings_page(
        request, session, caller, chosen, values=shown, field_errors=errors, status_code=400
    )


@router.post("/dongles/{dongle_id}/filtering-review")
async def confirm_review(
    request: Request, _csrf: CsrfChecked, dongle_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    """Staff checked the router's filtering after its SIM was replaced."""
    values = values_of(await request.form())
    safeguarding.confirm_review(
        session, caller=caller, dongle_id=dongle_id, note=values.get("note")
    )
    session.commit()
    return RedirectResponse(f"/dongles/{dongle_id}#filtering", status_code=303)
