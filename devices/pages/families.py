"""A school's families and what each has been lent. Families are known by the school's
pupil reference only; phone numbers are shown on the family's own page, not in lists."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.api.families import ALLOCATION_COLUMNS, FAMILY_COLUMNS
from devices.service import families
from devices.service.access import organisation_names, schools_reached
from devices.service.registry import serial_numbers
from dfc.audit.seen import SeenAt
from dfc.i18n import BY_CODE
from dfc.paging import PagingDep, listing
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
    family = families.show_family(session, caller=caller, family_id=family_id, seen=seen)
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
            "allocations": found,
            "serials": serial_numbers(
                session, caller, {allocation.device_id for allocation in found.items}
            ),
            "school_name": organisation_names(session, caller, {family.school_id}).get(
                family.school_id, ""
            ),
            "family_language": BY_CODE.get(family.preferred_language),
            "default_sort": ALLOCATIONS_SORT,
            "done": request.query_params.get("done"),
        },
        caller=caller,
        staff=True,
    )
