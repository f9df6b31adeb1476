"""A school's families and what each has been lent. Families are known by the school's
pupil reference only; phone numbers are shown on the family's own page, not in lists."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.api.families import ALLOCATION_COLUMNS, FAMILY_COLUMNS
from devices.pages.labels import text_status_label
from devices.service import families, family_texts, incidents
from devices.service.access import organisation_names, schools_reached
from devices.service.registry import serial_numbers
from dfc.audit.seen import SeenAt, Where
from dfc.caller import Caller
from dfc.errors import Conflict
from dfc.i18n import BY_CODE
from dfc.paging import Paging, PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import values_of
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
DEFAULT_SORT = "pupil_reference"
ALLOCATIONS_SORT = "-allocated_on"


@router.get("/families")
def family_list(
    request: Request,
    seen: SeenAt,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    school: int | None = None,
    broadband: str | None = None,
) -> Response:
    home_broadband = {"yes": True, "no": False}.get(broadband or "")
    found = families.list_families(
        session,
        paging,
        caller=caller,
        seen=seen,
        columns=FAMILY_COLUMNS,
        default_sort=DEFAULT_SORT,
        school_id=school,
        home_broadband=home_broadband,
    )
    if isinstance(found, Response):
        return found
    return render(
        request,
        "devices/register_families.html",
        {
            "families": found,
            "schools": schools_reached(session, caller),
            "school_names": organisation_names(
                session, caller, {family.school_id for family in found.items}
            ),
            "school": school,
            "broadband": broadband,
            "language_names": BY_CODE,
            "default_sort": DEFAULT_SORT,
        },
        caller=caller,
        staff=True,
    )


@router.get("/families/{family_id}")
def family_page(
    request: Request,
    seen: SeenAt,
    family_id: int,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
) -> Response:
    return _family_page(request, session, caller, seen, paging, family_id)


@router.post("/families/{family_id}/texts/on")
async def family_texts_on(
    request: Request,
    _csrf: CsrfChecked,
    seen: SeenAt,
    family_id: int,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
) -> Response:
    """Texts back on, because the family asked: the reason is recorded with who did it."""
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    reason = values.get("reason", "").strip()
    errors = {}
    if values.get("family_asked") != "yes":
        errors["family_asked"] = (
            "Turn texts on only when the family asks. They can also text START to us"
        )
    if not 3 <= len(reason) <= 500:
        errors["reason"] = "Say how and when the family asked, in 500 characters or less"
    if not errors:
        try:
            family_texts.turn_texts_back_on(
                session, caller=caller, family_id=family_id, reason=reason
            )
            session.commit()
            return RedirectResponse(f"/families/{family_id}?done=texts-on", status_code=303)
        except Conflict as refused:
            session.rollback()
            errors["reason"] = refused.message
    return _family_page(
        request, session, caller, seen, paging, family_id, errors=errors, values=values
    )


def _family_page(
    request: Request,
    session: Session,
    caller: Caller,
    seen: Where,
    paging: Paging,
    family_id: int,
    *,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    family = families.show_family(session, caller=caller, family_id=family_id, seen=seen)
    texts = family_texts.texts_for_family(session, caller=caller, family_id=family.id)
    found = listing(
        session,
        families.visible_allocations(caller, family_id=family.id),
        paging,
        sortable=families.ALLOCATION_SORTABLE,
        default_sort=ALLOCATIONS_SORT,
        columns=ALLOCATION_COLUMNS,
        filename=f"family-{family.id}-allocations.csv",
    )
    if isinstance(found, Response):
        return found
    return render(
        request,
        "devices/register_family.html",
        {
            "family": family,
            "texts": texts,
            "text_status": text_status_label(texts.status),
            "allocations": found,
            "serials": serial_numbers(
                session, caller, {allocation.device_id for allocation in found.items}
            ),
            "school_name": organisation_names(session, caller, {family.school_id}).get(
                family.school_id, ""
            ),
            "family_language": BY_CODE.get(family.preferred_language),
            "default_sort": ALLOCATIONS_SORT,
            "incident_count": incidents.count_for_family(session, caller, family.id),
            "done": request.query_params.get("done"),
            "field_errors": errors or {},
            "values": values or {},
        },
        caller=caller,
        staff=True,
        status_code=400 if errors else 200,
    )
