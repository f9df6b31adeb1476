"""Moves on staff pages: moving a family to another school (or offering it to another
council), the list of moves in and out, a move's page where the receiving council accepts
or declines, schools' successor links and the job that moves a school's register."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.models import OrganisationKind
from accounts.school_links import SORTABLE as LINK_SORTABLE
from accounts.school_links import LinkKind, link_schools, visible_links
from accounts.staff import CouncilStaff, SchoolStaff
from devices.models import ConversionStatus, MoveKind, MoveStatus, SchoolConversion
from devices.move_schemas import LinkCreate, MoveCreate
from devices.service import conversions, moves
from devices.service.access import actor, organisation_names, schools_reached
from devices.service.families import show_family
from devices.tasks_moves import queue_conversion
from dfc.audit.seen import SeenAt
from dfc.caller import Caller
from dfc.errors import DomainError
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of, problems_of, values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
MESSAGES = {
    "to_school_urn": "Enter the new school's URN, 6 or 7 digits",
    "new_pupil_reference": "Enter the new school's pupil reference, 50 characters or less",
    "moves_on": "Enter the date of the move, like 2026-09-01",
    "successor_urn": "Enter the successor's URN, 6 or 7 digits",
    "linked_on": "Enter the date it takes over, like 2026-09-01",
    "kind": "Choose what happens to the school",
}
STATUS_TAGS = {
    "offered": ("Waiting for the council", "govuk-tag--yellow"),
    "completed": ("Moved", "govuk-tag--green"),
    "declined": ("Declined", "govuk-tag--red"),
    "cancelled": ("Cancelled", "govuk-tag--grey"),
    "queued": ("Queued", "govuk-tag--grey"),
    "running": ("Moving", "govuk-tag--blue"),
    "done": ("Done", "govuk-tag--green"),
    "failed": ("Failed", "govuk-tag--red"),
}


def _form_values(form: Any) -> dict[str, str]:
    return {k: v for k, v in values_of(form).items() if isinstance(v, str)}


def _move_form(
    request: Request,
    session: Session,
    caller: Caller,
    seen: Any,
    family_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    family = show_family(session, caller=caller, family_id=family_id, seen=seen)
    return render(
        request,
        "devices/move_family.html",
        {"family": family, "values": values, "field_errors": errors},
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/families/{family_id}/move")
def move_form(
    request: Request, seen: SeenAt, family_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    return _move_form(request, session, caller, seen, family_id, {}, {})


@router.post("/families/{family_id}/move")
async def move_family(
    request: Request,
    _csrf: CsrfChecked,
    seen: SeenAt,
    family_id: int,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    values = _form_values(await request.form())
    try:
        move_in = MoveCreate.model_validate(values)
        move = moves.move_family(session, caller=caller, family_id=family_id, move_in=move_in)
        session.commit()
        return RedirectResponse(f"/moves/{move.id}?done={move.status.value}", status_code=303)
    except ValidationError as invalid:
        errors = problems_of(invalid, MESSAGES)
    except DomainError as refused:
        session.rollback()
        if refused.status_code in (403, 404):
            raise
        errors = problem_of(refused)
    return _move_form(request, session, caller, seen, family_id, values, errors, 400)


@router.get("/moves")
def move_list(
    request: Request,
    seen: SeenAt,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    status: MoveStatus | None = None,
    kind: MoveKind | None = None,
    direction: str | None = None,
) -> Response:
    direction = direction if caller.organisation_kind is not OrganisationKind.SCHEME else None
    found = moves.list_moves(
        session, paging, caller=caller, seen=seen, status=status, kind=kind, direction=direction
    )
    if isinstance(found, Response):
        return found
    return render(
        request,
        "devices/moves.html",
        {
            "moves": found,
            "status": status,
            "kind": kind,
            "direction": direction,
            "show_direction": caller.organisation_kind is not OrganisationKind.SCHEME,
            "tags": STATUS_TAGS,
            "status_choices": [(s.value, STATUS_TAGS[s.value][0]) for s in MoveStatus],
            "kind_choices": [
                ("within-council", "Within the council"),
                ("between-councils", "To or from another council"),
            ],
            "direction_choices": [("in", "Coming in"), ("out", "Going out")],
            "waiting": moves.count_offers_waiting(session, caller=caller),
            "default_sort": "-offered_at",
        },
        caller=caller,
        staff=True,
    )


@router.get("/moves/{move_id}")
def move_page(
    request: Request, seen: SeenAt, move_id: int, session: SessionDep, caller: SchoolStaff
) -> Response:
    return _move_page(request, session, caller, seen, move_id, {})


def _move_page(
    request: Request,
    session: Session,
    caller: Caller,
    seen: Any,
    move_id: int,
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    found = moves.show_move(session, caller=caller, move_id=move_id, seen=seen)
    receiving = caller.organisation_kind is OrganisationKind.SCHEME or (
        caller.organisation_id == found.to_council_id
    )
    return render(
        request,
        "devices/move.html",
        {
            "move": found,
            "tags": STATUS_TAGS,
            "may_decide": receiving and caller.has_role(*moves.DECIDERS),
            "field_errors": errors,
            "done": request.query_params.get("done"),
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.post("/moves/{move_id}/{answer}")
async def answer_move(
    request: Request,
    _csrf: CsrfChecked,
    seen: SeenAt,
    move_id: int,
    answer: str,
    session: SessionDep,
    caller: SchoolStaff,
) -> Response:
    values = _form_values(await request.form())
    try:
        if answer == "accept":
            moves.accept_move(session, caller=caller, move_id=move_id)
        elif answer == "decline":
            reason = values.get("reason")
            moves.decline_move(session, caller=caller, move_id=move_id, reason=reason)
        elif answer == "cancel":
            moves.cancel_move(session, caller=caller, move_id=move_id)
        else:
            return Response(status_code=404)
        session.commit()
        return RedirectResponse(f"/moves/{move_id}?done={answer}", status_code=303)
    except DomainError as refused:
        session.rollback()
        if refused.status_code == 404:
            raise
        errors = problem_of(refused)
    return _move_page(request, session, caller, seen, move_id, errors, 400)


def _links_page(
    request: Request,
    session: Session,
    caller: Caller,
    paging: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    links = listing(
        session,
        visible_links(caller),
        paging,
        sortable=LINK_SORTABLE,
        default_sort="-linked_on",
        columns=("id", "predecessor_urn", "successor_urn", "kind", "linked_on"),
        filename="school-links.csv",
    )
    if isinstance(links, Response):
        return links
    link_ids = [link.id for link in links.items]
    jobs = session.exec(
        conversions.visible_conversions(caller)
        .where(SchoolConversion.link_id.in_(link_ids))
        .order_by(SchoolConversion.id)
    )
    ids = {link.predecessor_id for link in links.items} | {
        link.successor_id for link in links.items
    }
    return render(
        request,
        "devices/school_links.html",
        {
            "links": links,
            "jobs": {job.link_id: job for job in jobs},
            "names": organisation_names(session, caller, ids),
            "schools": schools_reached(session, caller),
            "kinds": [(kind.value, kind.value.replace("-", " ").capitalize()) for kind in LinkKind],
            "tags": STATUS_TAGS,
            "values": values,
            "field_errors": errors,
            "default_sort": "-linked_on",
            "done": request.query_params.get("done"),
        },
        caller=caller,
        staff=True,
        status_code=status_code,
    )


@router.get("/school-links")
def links_page(
    request: Request, session: SessionDep, caller: CouncilStaff, paging: PagingDep
) -> Response:
    return _links_page(request, session, caller, paging, {}, {})


@router.post("/school-links")
async def add_link(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
) -> Response:
    values = _form_values(await request.form())
    fields = {key: value for key, value in values.items() if key != "predecessor_id"}
    try:
        if not (values.get("predecessor_id") or "").isdigit():
            raise DomainError("Choose the school that converts or closes", field="predecessor_id")
        link_in = LinkCreate.model_validate(fields)
        link_schools(
            session,
            caller=caller,
            predecessor_id=int(values["predecessor_id"]),
            successor_urn=link_in.successor_urn,
            kind=link_in.kind,
            linked_on=link_in.linked_on,
            actor=actor(caller),
        )
        session.commit()
        return RedirectResponse("/school-links?done=linked", status_code=303)
    except ValidationError as invalid:
        errors = problems_of(invalid, MESSAGES)
    except DomainError as refused:
        session.rollback()
        errors = problem_of(refused)
    return _links_page(request, session, caller, paging, values, errors, 400)


@router.post("/school-links/{link_id}/convert")
async def convert(
    request: Request, _csrf: CsrfChecked, link_id: int, session: SessionDep, caller: CouncilStaff
) -> Response:
    job = queue_conversion(session, caller=caller, link_id=link_id)
    return RedirectResponse(f"/school-conversions/{job.id}", status_code=303)


@router.get("/school-conversions/{conversion_id}")
def conversion_page(
    request: Request, conversion_id: int, session: SessionDep, caller: CouncilStaff
) -> Response:
    job = conversions.get_conversion(session, caller=caller, conversion_id=conversion_id)
    names = organisation_names(session, caller, {job.predecessor_id, job.successor_id})
    return render(
        request,
        "devices/school_conversion.html",
        {
            "job": job,
            "names": names,
            "tags": STATUS_TAGS,
            "working": job.status in (ConversionStatus.QUEUED, ConversionStatus.RUNNING),
        },
        caller=caller,
        staff=True,
    )
