"""Licences: terms, seats and renewals."""

from datetime import date

from fastapi import APIRouter, status

from accounts.deps import ApiCaller, SessionDep
from devices.connectivity_schemas import LicenceCreate, LicencePublic, LicenceRenew, SeatAssign
from devices.models import Licence, LicenceProduct
from devices.service import licences
from dfc.listing import Page
from dfc.paging import PagingDep, listing

router = APIRouter(prefix="/api/licences", tags=["licences"])
CSV_COLUMNS = (
    "id",
    "organisation_id",
    "product",
    "name",
    "supplier",
    "seats",
    "starts_on",
    "ends_on",
    "cost_per_seat_per_year",
    "renewed_from_id",
)


def _public(session: SessionDep, rows: list[Licence]) -> list[LicencePublic]:
    used = licences.seats_used(session, [licence.id for licence in rows])
    return [
        LicencePublic.model_validate(licence).model_copy(
            update={"seats_used": used.get(licence.id, 0)}
        )
        for licence in rows
    ]


@router.get("", response_model=Page[LicencePublic])
def list_licences(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    product: LicenceProduct | None = None,
    organisation_id: int | None = None,
    ends_before: date | None = None,
):
    statement = licences.visible_licences(
        caller, product=product, organisation_id=organisation_id, ends_before=ends_before
    )
    result = listing(
        session,
        statement,
        paging,
        sortable=licences.SORTABLE,
        default_sort="ends_on",
        columns=CSV_COLUMNS,
        filename="licences.csv",
    )
    if isinstance(result, Page):
        result.items = _public(session, result.items)
    return result


@router.post("", status_code=status.HTTP_201_CREATED)
def create_licence(
    licence_in: LicenceCreate, session: SessionDep, caller: ApiCaller
) -> LicencePublic:
    licence = licences.create_licence(session, caller=caller, licence_in=licence_in)
    session.commit()
    return _public(session, [licence])[0]


@router.get("/{licence_id}")
def read_licence(licence_id: int, session: SessionDep, caller: ApiCaller) -> LicencePublic:
    return _public(session, [licences.get_licence(session, caller=caller, licence_id=licence_id)])[
        0
    ]


@router.post("/{licence_id}/seats", status_code=status.HTTP_201_CREATED)
def assign_seat(
    licence_id: int, seat_in: SeatAssign, session: SessionDep, caller: ApiCaller
) -> LicencePublic:
    """Gives a device a seat; a full licence answers 409."""
    licences.assign_seat(session, caller=caller, licence_id=licence_id, seat_in=seat_in)
    session.commit()
    return read_licence(licence_id, session, caller)


@router.post("/{licence_id}/renew", status_code=status.HTTP_201_CREATED)
def renew_licence(
    licence_id: int, renewal: LicenceRenew, session: SessionDep, caller: ApiCaller
) -> LicencePublic:
    """A new term from the day after this one ends, with every seat carried over."""
    term = licences.renew_licence(session, caller=caller, licence_id=licence_id, renewal=renewal)
    session.commit()
    return _public(session, [term])[0]
