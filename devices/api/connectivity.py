"""Dongles, SIMs, data allowances and usage readings."""

from datetime import date

from fastapi import APIRouter, status

from accounts.deps import ApiCaller, SessionDep
from devices.connectivity_schemas import (
    AllowancePublic,
    AllowanceUplift,
    DongleCreate,
    DonglePublic,
    SimCreate,
    SimPublic,
    UsageReadingCreate,
)
from devices.models import DongleStatus
from devices.service import connectivity, pairing
from dfc.listing import Page
from dfc.paging import PagingDep, listing

router = APIRouter(prefix="/api", tags=["dongles and SIMs"])
DONGLE_COLUMNS = (
    "id",
    "kind",
    "imei",
    "make_model",
    "status",
    "holder_id",
    "paired_device_id",
    "batch_reference",
    "received_on",
)
SIM_COLUMNS = (
    "id",
    "iccid",
    "network_operator",
    "dongle_id",
    "holder_id",
    "contract_starts_on",
    "contract_ends_on",
)


@router.get("/dongles", response_model=Page[DonglePublic])
def list_dongles(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    status: DongleStatus | None = None,
    holder_id: int | None = None,
    unpaired: bool = False,
):
    statement = connectivity.visible_dongles(
        caller, status=status, holder_id=holder_id, unpaired=unpaired
    )
    return listing(
        session,
        statement,
        paging,
        sortable=connectivity.DONGLE_SORTABLE,
        default_sort="imei",
        columns=DONGLE_COLUMNS,
        filename="dongles.csv",
    )


@router.post("/dongles", status_code=status.HTTP_201_CREATED)
def create_dongle(dongle_in: DongleCreate, session: SessionDep, caller: ApiCaller) -> DonglePublic:
    dongle = connectivity.create_dongle(session, caller=caller, dongle_in=dongle_in)
    session.commit()
    return DonglePublic.model_validate(dongle)


@router.get("/dongles/{dongle_id}")
def read_dongle(dongle_id: int, session: SessionDep, caller: ApiCaller) -> DonglePublic:
    return DonglePublic.model_validate(
        connectivity.get_dongle(session, caller=caller, dongle_id=dongle_id)
    )


@router.post("/dongles/{dongle_id}/unpair")
def unpair_dongle(dongle_id: int, session: SessionDep, caller: ApiCaller) -> DonglePublic:
    """The dongle no longer goes with its device: each can then be allocated alone. Not
    while it is with a family (409)."""
    dongle = pairing.unpair_dongle(session, caller=caller, dongle_id=dongle_id)
    session.commit()
    return DonglePublic.model_validate(dongle)


@router.get("/sims", response_model=Page[SimPublic])
def list_sims(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    holder_id: int | None = None,
    contract_ends_before: date | None = None,
):
    statement = connectivity.visible_sims(
        caller, holder_id=holder_id, contract_ends_before=contract_ends_before
    )
    return listing(
        session,
        statement,
        paging,
        sortable=connectivity.SIM_SORTABLE,
        default_sort="contract_ends_on",
        columns=SIM_COLUMNS,
        filename="sims.csv",
    )


@router.post("/sims", status_code=status.HTTP_201_CREATED)
def create_sim(sim_in: SimCreate, session: SessionDep, caller: ApiCaller) -> SimPublic:
    """A SIM with its contract and first allowance (3 GB a month for six months by default)."""
    sim = connectivity.create_sim(session, caller=caller, sim_in=sim_in)
    session.commit()
    return SimPublic.model_validate(sim)


@router.get("/sims/{sim_id}")
def read_sim(sim_id: int, session: SessionDep, caller: ApiCaller) -> SimPublic:
    return SimPublic.model_validate(connectivity.get_sim(session, caller=caller, sim_id=sim_id))


@router.get("/sims/{sim_id}/allowances")
def list_allowances(sim_id: int, session: SessionDep, caller: ApiCaller) -> list[AllowancePublic]:
    return [
        AllowancePublic.model_validate(allowance)
        for allowance in connectivity.allowances_of(session, caller=caller, sim_id=sim_id)
    ]


@router.post("/sims/{sim_id}/allowances", status_code=status.HTTP_201_CREATED)
def uplift_allowance(
    sim_id: int, uplift: AllowanceUplift, session: SessionDep, caller: ApiCaller
) -> AllowancePublic:
    """A larger allowance from a date; the earlier one stays on record."""
    allowance = connectivity.uplift_allowance(session, caller=caller, sim_id=sim_id, uplift=uplift)
    session.commit()
    return AllowancePublic.model_validate(allowance)


@router.post("/sims/{sim_id}/usage", status_code=status.HTTP_201_CREATED)
def record_usage(
    sim_id: int, reading: UsageReadingCreate, session: SessionDep, caller: ApiCaller
) -> dict[str, int | str]:
    """A reading of data used so far this month; the same day again corrects it."""
    row = connectivity.record_usage(session, caller=caller, sim_id=sim_id, reading=reading)
    session.commit()
    return {"sim_id": row.sim_id, "read_on": row.read_on.isoformat(), "used_mb": row.used_mb}
