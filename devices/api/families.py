"""Families and allocations of devices to them."""

from fastapi import APIRouter, status

from devices.schemas import (
    AllocationCreate,
    AllocationPublic,
    FamilyCreate,
    FamilyPublic,
    FamilyUpdate,
)
from devices.service import families, lifecycle
from dfc.accounts.deps import ApiCaller, SessionDep
from dfc.listing import Page
from dfc.paging import PagingDep, listing

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
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    school_id: int | None = None,
    home_broadband: bool | None = None,
):
    """Families of the caller's schools; the CSV leaves out contact details."""
    statement = families.visible_families(
        caller, school_id=school_id, home_broadband=home_broadband
    )
    return listing(
        session,
        statement,
        paging,
        sortable=families.SORTABLE,
        default_sort="pupil_reference",
        columns=FAMILY_COLUMNS,
        filename="families.csv",
    )


@router.post("/families", status_code=status.HTTP_201_CREATED)
def create_family(family_in: FamilyCreate, session: SessionDep, caller: ApiCaller) -> FamilyPublic:
    family = families.create_family(session, caller=caller, family_in=family_in)
    session.commit()
    return FamilyPublic.model_validate(family)


@router.get("/families/{family_id}")
def read_family(family_id: int, session: SessionDep, caller: ApiCaller) -> FamilyPublic:
    return FamilyPublic.model_validate(
        families.get_family(session, caller=caller, family_id=family_id)
    )


@router.patch("/families/{family_id}")
def update_family(
    family_id: int, family_in: FamilyUpdate, session: SessionDep, caller: ApiCaller
) -> FamilyPublic:
    family = families.update_family(
        session, caller=caller, family_id=family_id, family_in=family_in
    )
    session.commit()
    return FamilyPublic.model_validate(family)


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
    statement = families.visible_allocations(
        caller,
        school_id=school_id,
        family_id=family_id,
        device_id=device_id,
        open_only=open_only,
    )
    return listing(
        session,
        statement,
        paging,
        sortable=families.ALLOCATION_SORTABLE,
        default_sort="-allocated_on",
        columns=ALLOCATION_COLUMNS,
        filename="allocations.csv",
    )


@router.post("/allocations", status_code=status.HTTP_201_CREATED)
def allocate(
    allocation_in: AllocationCreate, session: SessionDep, caller: ApiCaller
) -> AllocationPublic:
    """Allocates a device, and optionally a dongle, to a family; 409 if either is in use."""
    allocation = lifecycle.allocate(session, caller=caller, allocation_in=allocation_in)
    session.commit()
    return AllocationPublic.model_validate(allocation)
