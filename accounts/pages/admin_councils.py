"""Councils: the list with each council's number of schools, one council and its schools,
and (for scheme admins) adding a council."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts import organisations
from accounts.deps import SessionDep
from accounts.models import OrganisationKind, Role
from accounts.pages.admin_common import (
    PHASE_LABELS,
    FormValues,
    done_message,
    see_other,
    validated,
)
from accounts.schemas import CouncilCreate
from accounts.staff import CouncilStaff, SchemeAdmin
from dfc.errors import DomainError
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of
from dfc.web.templating import render

router = APIRouter()
COUNCIL_CSV_COLUMNS = ("id", "name", "gss_code", "la_code", "inner_london", "school_count")
COUNCIL_SCHOOL_CSV_COLUMNS = ("id", "urn", "name", "phase", "council_id", "trust_id")
COUNCIL_FIELDS = ("name", "gss_code", "la_code", "inner_london")
COUNCIL_MESSAGES = {
    "name": "Enter the council's name (up to 200 characters)",
    "gss_code": "Enter a GSS code: a letter E, N, S or W then 8 digits, like E09000007",
    "la_code": "Enter an LA code of 3 digits, like 202",
    "inner_london": "Choose yes, no or not known",
}
INNER_LONDON = {"yes": True, "no": False}


@router.get("/admin/councils")
def council_list(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
    search: str | None = None,
) -> Response:
    result = listing(
        session,
        organisations.council_summaries(caller, search=search),
        paging,
        sortable=organisations.COUNCIL_SORTABLE,
        default_sort="name",
        columns=COUNCIL_CSV_COLUMNS,
        filename="councils.csv",
    )
    if isinstance(result, Response):
        return result
    context = {
        "councils": result,
        "search": search,
        "default_sort": "name",
        "can_add": caller.has_role(Role.SCHEME_ADMIN),
        "done": done_message(request),
    }
    return render(request, "accounts/admin_councils.html", context, caller=caller, staff=True)


def _form(request: Request, caller, values: dict[str, Any], errors: dict[str, str]) -> Response:
    return render(
        request,
        "accounts/admin_council_new.html",
        {"values": values, "field_errors": errors},
        caller=caller,
        status_code=400 if errors else 200,
        staff=True,
    )


@router.get("/admin/councils/new")
def new_council(request: Request, caller: SchemeAdmin) -> Response:
    return _form(request, caller, {}, {})


@router.post("/admin/councils")
def add_council(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: SchemeAdmin,
    values: FormValues,
) -> Response:
    inner_london = values.get("inner_london")
    data = values | {"inner_london": INNER_LONDON.get(inner_london, inner_london)}
    council_in, errors = validated(CouncilCreate, data, COUNCIL_FIELDS, COUNCIL_MESSAGES)
    if council_in is not None:
        try:
            council = organisations.create_council(session, caller=caller, council_in=council_in)
        except DomainError as error:
            errors = problem_of(error)
        else:
            session.commit()
            return see_other(f"/admin/councils/{council.id}", done="council-added")
    return _form(request, caller, values, errors)


@router.get("/admin/councils/{council_id}")
def council_page(
    council_id: int,
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
) -> Response:
    council = organisations.get_organisation(
        session, caller=caller, organisation_id=council_id, kind=OrganisationKind.COUNCIL
    )
    result = listing(
        session,
        organisations.visible_query(caller, kind=OrganisationKind.SCHOOL, council_id=council.id),
        paging,
        sortable=organisations.SORTABLE,
        default_sort="name",
        columns=COUNCIL_SCHOOL_CSV_COLUMNS,
        filename=f"council-{council.la_code}-schools.csv",
    )
    if isinstance(result, Response):
        return result
    context = {
        "council": council,
        "schools": result,
        "phases": PHASE_LABELS,
        "default_sort": "name",
        "done": done_message(request),
    }
    return render(request, "accounts/admin_council.html", context, caller=caller, staff=True)
