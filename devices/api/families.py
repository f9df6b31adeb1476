"""Families and allocations of devices to them."""

from fastapi import APIRouter, status

from accounts.deps import ApiCaller, SessionDep
from devices.schemas import (
    AllocationCreate,
    AllocationPublic,
    FamilyCreate,
    FamilyPublic,
    FamilyUpdate,
    NewFamilyAllocation,
)
from devices.service import families, flows, lifecycle
from dfc.audit.seen import SeenAt
from dfc.listing import Page
from dfc.paging import PagingDep, listing
from dfc.personal_data import sharing

router = APIRouter(prefix="/api", tags=["families and allocations"])
FAMILY_COLUMNS = (
    "id",
    "school_id",
    "pupil_reference",
    "year_group",
    "preferred_language",
    "sms_consent",
    "home_broadband",
)
ALLOCATION_COLUMNS = (
    "id",
    "device_id",
    "dongle_id",
    "family_id",
    "school_id",
    "allocated_on",
    "collected_on",
    "returned_on",
    "return_reason",
)


@router.get("/families", response_model=Page[FamilyPublic])
def list_families(
    seen: SeenAt,
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    school_id: int | None = None,
    home_broadband: bool | None = None,
):
    """Families of the caller's schools; the CSV leaves out contact details. A key tied to
    a sharing agreement gets null for each field of a kind its agreement does not cover."""
    sharing.require_fields(caller, "family", home_broadband=home_broadband)
    result = families.list_families(
        session,
        paging,
        caller=caller,
        seen=seen,
        columns=sharing.shared_columns(caller, "family", FAMILY_COLUMNS, sort=paging.request.sort),
        school_id=school_id,
        home_broadband=home_broadband,
    )
    return sharing.shared(caller, "family", result, FamilyPublic)


@router.post("/families", status_code=status.HTTP_201_CREATED)
def create_family(family_in: FamilyCreate, session: SessionDep, caller: ApiCaller) -> FamilyPublic:
    sharing.require_cover(caller, "family")
    family = families.create_family(session, caller=caller, family_in=family_in)
    session.commit()
    return sharing.shared(caller, "family", FamilyPublic.model_validate(family), status_code=201)


@router.get("/families/{family_id}")
def read_family(
    seen: SeenAt, family_id: int, session: SessionDep, caller: ApiCaller
) -> FamilyPublic:
    family = FamilyPublic.model_validate(
        families.show_family(session, caller=caller, family_id=family_id, seen=seen)
    )
    return sharing.shared(caller, "family", family)


@router.patch("/families/{family_id}")
def update_family(
    family_id: int, family_in: FamilyUpdate, session: SessionDep, caller: ApiCaller
) -> FamilyPublic:
    sharing.require_cover(caller, "family")
    family = families.update_family(
        session, caller=caller, family_id=family_id, family_in=family_in
    )
    session.commit()
    return sharing.shared(caller, "family", FamilyPublic.model_validate(family))


@router.get("/allocations", response_model=Page[AllocationPublic])
def list_allocations(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    school_id: int | None = None,
    family_id: int | None = None,
    device_id: int | None = None,
    open_only: bool = False,
):
    """Allocations; a key tied to a sharing agreement without pupil data gets 403."""
    sharing.require_fields(caller, "allocation", family_id=family_id)
    statement = families.visible_allocations(
        caller,
        school_id=school_id,
        family_id=family_id,
        device_id=device_id,
        open_only=open_only,
    )
    result = listing(
        session,
        statement,
        paging,
        sortable=families.ALLOCATION_SORTABLE,
        default_sort="-allocated_on",
        columns=sharing.shared_columns(
            caller, "allocation", ALLOCATION_COLUMNS, sort=paging.request.sort
        ),
        filename="allocations.csv",
    )
    return sharing.shared(caller, "allocation", result, AllocationPublic)


@router.post("/allocations", status_code=status.HTTP_201_CREATED)
def allocate(
    allocation_in: AllocationCreate, session: SessionDep, caller: ApiCaller
) -> AllocationPublic:
    """Allocates a device, and optionally a dongle, to a family; 409 if either is in use."""
    sharing.require_cover(caller, "allocation")
    allocation = lifecycle.allocate(session, caller=caller, allocation_in=allocation_in)
    session.commit()
    answer = AllocationPublic.model_validate(allocation)
    return sharing.shared(caller, "allocation", answer, status_code=201)


@router.post("/allocations/new-family", status_code=status.HTTP_201_CREATED)
def allocate_to_new_family(
    allocation_in: NewFamilyAllocation, session: SessionDep, caller: ApiCaller
) -> AllocationPublic:
    """Adds a family the school does not have yet and allocates the device (and optionally a
    dongle) to it, together: if the allocation is refused, the family is not kept either."""
    sharing.require_cover(caller, "allocation")
    allocation = flows.allocate_to_new_family(session, caller=caller, allocation_in=allocation_in)
    session.commit()
    answer = AllocationPublic.model_validate(allocation)
    return sharing.shared(caller, "allocation", answer, status_code=201)
