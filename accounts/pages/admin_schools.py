"""Schools: the list with filters, adding a school, one school with its edit form, and
removing a school after a confirmation step."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts import organisations
from accounts.deps import SessionDep
from accounts.models import Organisation, OrganisationKind, SchoolPhase
from accounts.pages.admin_common import (
    PHASE_LABELS,
    FormValues,
    done_message,
    see_other,
    validated,
)
from accounts.schemas import SchoolCreate, SchoolUpdate
from accounts.staff import CouncilStaff
from dfc.caller import Caller
from dfc.errors import DomainError
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of
from dfc.web.templating import render

router = APIRouter()
SCHOOL_CSV_COLUMNS = ("id", "urn", "name", "phase", "council_id", "trust_id")
MESSAGES = {
    "urn": "Enter the school's URN: 6 or 7 digits",
    "name": "Enter the school's name (up to 200 characters)",
    "phase": "Choose the school's phase",
    "council_id": "Choose the school's council",
    "trust_id": "Choose a trust from the list, or none",
}
PHASE_CHOICES = [(phase.value, label) for phase, label in PHASE_LABELS.items()]


def _choices(session: SessionDep, caller: Caller, kind: OrganisationKind) -> list[tuple]:
    found = organisations.organisation_choices(session, caller=caller, kind=kind)
    return [(organisation.id, organisation.name) for organisation in found]


@router.get("/admin/schools")
def school_list(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
    council_id: int | None = None,
    phase: SchoolPhase | None = None,
    search: str | None = None,
) -> Response:
    statement = organisations.visible_query(
        caller,
        kind=OrganisationKind.SCHOOL,
        council_id=council_id,
        phase=phase,
        search=search,
    )
    result = listing(
        session,
        statement,
        paging,
        sortable=organisations.SORTABLE,
        default_sort="name",
        columns=SCHOOL_CSV_COLUMNS,
        filename="schools.csv",
    )
    if isinstance(result, Response):
        return result
    councils = _choices(session, caller, OrganisationKind.COUNCIL)
    context = {
        "schools": result,
        "councils": councils,
        "council_names": dict(councils),
        "phases": PHASE_LABELS,
        "phase_choices": PHASE_CHOICES,
        "filters": {"council_id": council_id, "phase": phase, "search": search},
        "default_sort": "name",
        "done": done_message(request),
    }
    return render(request, "accounts/admin_schools.html", context, caller=caller, staff=True)


def _new_form(
    request: Request, session, caller: Caller, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    context = {
        "values": values,
        "field_errors": errors,
        "councils": _choices(session, caller, OrganisationKind.COUNCIL),
        "trusts": _choices(session, caller, OrganisationKind.TRUST),
        "phase_choices": PHASE_CHOICES,
    }
    status_code = 400 if errors else 200
    return render(
        request,
        "accounts/admin_school_new.html",
        context,
        caller=caller,
        status_code=status_code,
        staff=True,
    )


@router.get("/admin/schools/new")
def new_school(
    request: Request, session: SessionDep, caller: CouncilStaff, council_id: int | None = None
) -> Response:
    own = caller.organisation_id if caller.organisation_kind is OrganisationKind.COUNCIL else None
    return _new_form(request, session, caller, {"council_id": council_id or own}, {})


@router.post("/admin/schools")
def add_school(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    values: FormValues,
) -> Response:
    school_in, errors = validated(SchoolCreate, values, SchoolCreate.model_fields, MESSAGES)
    if school_in is not None:
        try:
            school = organisations.create_school(session, caller=caller, school_in=school_in)
        except DomainError as error:
            errors = problem_of(error)
        else:
            session.commit()
            return see_other(f"/admin/schools/{school.id}", done="school-added")
    return _new_form(request, session, caller, values, errors)


def _school_page(
    request: Request,
    session,
    caller: Caller,
    school: Organisation,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    names = organisations.display_names(session, ids={school.council_id, school.trust_id})
    trusts = _choices(session, caller, OrganisationKind.TRUST)
    context = {
        "school": school,
        "council_name": names.get(school.council_id, ""),
        "trust_name": names.get(school.trust_id) if school.trust_id else None,
        "trusts": trusts,
        "values": values
        or {"name": school.name, "phase": school.phase, "trust_id": school.trust_id},
        "field_errors": errors or {},
        "phases": PHASE_LABELS,
        "phase_choices": PHASE_CHOICES,
        "done": done_message(request),
    }
    status_code = 400 if errors else 200
    return render(
        request,
        "accounts/admin_school.html",
        context,
        caller=caller,
        status_code=status_code,
        staff=True,
    )


def _school(session, caller: Caller, school_id: int) -> Organisation:
    return organisations.get_organisation(
        session, caller=caller, organisation_id=school_id, kind=OrganisationKind.SCHOOL
    )


@router.get("/admin/schools/{school_id}")
def school_page(
    school_id: int, request: Request, session: SessionDep, caller: CouncilStaff
) -> Response:
    return _school_page(request, session, caller, _school(session, caller, school_id))


@router.post("/admin/schools/{school_id}")
def change_school(
    school_id: int,
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    values: FormValues,
) -> Response:
    school = _school(session, caller, school_id)
    # Someone who cannot see any trust is not offered the field, so it is left as it is.
    fields = ["name", "phase"] + (["trust_id"] if "trust_id" in values else [])
    school_in, errors = validated(
        SchoolUpdate, values, fields, MESSAGES, required=("name", "phase")
    )
    if school_in is not None:
        try:
            organisations.update_school(
                session, caller=caller, school_id=school.id, school_in=school_in
            )
        except DomainError as error:
            errors = problem_of(error)
        else:
            session.commit()
            return see_other(f"/admin/schools/{school.id}", done="school-saved")
    session.rollback()
    school = _school(session, caller, school_id)
    return _school_page(request, session, caller, school, values=values, errors=errors)


@router.get("/admin/schools/{school_id}/delete")
def confirm_school_delete(
    school_id: int, request: Request, session: SessionDep, caller: CouncilStaff
) -> Response:
    school = _school(session, caller, school_id)
    return render(
        request,
        "accounts/admin_school_delete.html",
        {"school": school, "field_errors": {}},
        caller=caller,
        staff=True,
    )


@router.post("/admin/schools/{school_id}/delete")
def delete_school(
    school_id: int,
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
) -> Response:
    try:
        organisations.delete_school(session, caller=caller, school_id=school_id)
    except DomainError as error:
        if error.status_code == 404:
            raise
        session.rollback()
        school = _school(session, caller, school_id)
        return render(
            request,
            "accounts/admin_school_delete.html",
            {"school": school, "field_errors": problem_of(error)},
            caller=caller,
            status_code=400,
            staff=True,
        )
    session.commit()
    return see_other("/admin/schools", done="school-deleted")
