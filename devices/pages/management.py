"""Officers' reconciliation reports (each filtered by manager and school, sorted, paged and
exported as CSV, like every list), and the end of updates of each model and operating
system, which scheme admins change here."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices import management_queries as queries
from devices.models import EndOfUpdates, UpdatesKind
from devices.models.management import Manager
from devices.pages import labels
from devices.pages.management_labels import MANAGER, STATE, UPDATES_KIND, UPDATES_SOURCE
from devices.service import end_of_updates
from devices.service.access import organisation_names, schools_reached
from dfc import clock
from dfc.caller import Caller, Role
from dfc.errors import DomainError, NotFound
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import date_of, problem_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
ReportSlug = Annotated[str, Query(max_length=50)]


@router.get("/management")
def reports_page(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    report: ReportSlug = "not-seen",
    manager: Manager | None = None,
    school: int | None = None,
) -> Response:
    chosen = queries.REPORTS.get(report)
    if chosen is None:
        raise NotFound(f"There is no report called {report!r}")
    filters = queries.Filters(manager=manager, school_id=school)
    statement = chosen.query(caller, today=clock.today(), filters=filters)
    found = listing(
        session,
        statement,
        paging,
        sortable={column.name: column for column in statement.selected_columns},
        default_sort=chosen.default_sort,
        columns=[column.name for column in statement.selected_columns],
        filename=f"{report}.csv",
        tiebreak=[c for c in statement.selected_columns if c.name in ("device_id", "unmatched_id")],
    )
    if isinstance(found, Response):
        return found
    rows = [dict(row._mapping) for row in found.items]
    holders = {row.get("holder_id") or row.get("organisation_id") for row in rows}
    return render(
        request,
        "devices/management_reports.html",
        {
            "reports": queries.REPORTS,
            "report": chosen,
            "found": found,
            "rows": rows,
            "names": organisation_names(session, caller, holders - {None}),
            "filters": filters,
            "default_sort": chosen.default_sort,
            "schools": schools_reached(session, caller),
            "manager_choices": labels.choices(MANAGER),
            "managers": MANAGER,
            "states": STATE,
            "statuses": labels.DEVICE_STATUS,
        },
        caller=caller,
        staff=True,
    )


def _dates_page(
    request: Request,
    session: Session,
    caller: Caller,
    paging: Any,
    *,
    values: dict[str, Any],
    field_errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    found = listing(
        session,
        end_of_updates.listed_dates(),
        paging,
        sortable={"name": EndOfUpdates.name, "ends_on": EndOfUpdates.ends_on},
        default_sort="name",
        columns=["kind", "name", "ends_on", "source", "updated_by", "updated_at"],
        filename="end-of-updates.csv",
        tiebreak=[EndOfUpdates.id],
    )
    if isinstance(found, Response):
        return found
    return render(
        request,
        "devices/management_end_of_updates.html",
        {
            "found": found,
            "default_sort": "name",
            "kinds": UPDATES_KIND,
            "sources": UPDATES_SOURCE,
            "can_change": caller.has_role(Role.SCHEME_ADMIN),
            "values": values,
            "field_errors": field_errors,
            "today": clock.today(),
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/end-of-updates")
def end_of_updates_page(
    request: Request, session: SessionDep, caller: SchoolStaff, paging: PagingDep
) -> Response:
    return _dates_page(request, session, caller, paging, values={}, field_errors={})


@router.post("/end-of-updates")
async def set_end_of_updates(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
) -> Response:
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    errors: dict[str, str] = {}
    if values.get("kind") not in {kind.value for kind in UpdatesKind}:
        errors["kind"] = "Choose a model or an operating system"
    if not values.get("name"):
        errors["name"] = "Enter the model or operating system, as the register names it"
    ends_on, problem = date_of(values, "ends_on", "The last day of updates")
    if problem:
        errors["ends_on"] = problem
    status_code = 400
    if not errors:
        try:
            end_of_updates.set_date(
                session,
                caller=caller,
                kind=UpdatesKind(values["kind"]),
                name=values["name"],
                ends_on=ends_on,
            )
            session.commit()
            return RedirectResponse("/end-of-updates?done=set", status_code=303)
        except DomainError as refused:
            session.rollback()
            errors = problem_of(refused)
            status_code = refused.status_code if refused.status_code != 422 else 400
    return _dates_page(
        request,
        session,
        caller,
        paging,
        values=values,
        field_errors=errors,
        status_code=status_code,
    )
