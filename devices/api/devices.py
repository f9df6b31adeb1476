"""Devices: list, read, add, change, their history, and the lifecycle actions."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from accounts.deps import ApiCaller, SessionDep
from devices.models import Device, DeviceKind, DeviceStatus, OwnerKind
from devices.schemas import (
    AllocationPublic,
    CoverPeriodCreate,
    CoverPeriodPublic,
    DeviceCreate,
    DeviceEventPublic,
    DevicePublic,
    DeviceUpdate,
    OnDate,
    OwnershipTransferPublic,
    ReturnDevice,
    SwapDevice,
    TransferToFamily,
    TransferToOrganisation,
)
from devices.service import (
    cover,
    events,
    families,
    handover,
    lifecycle,
    lookup,
    ownership,
    registry,
)
from dfc.audit.seen import SeenAt
from dfc.clock import today
from dfc.db import read_without_transaction
from dfc.listing import Page
from dfc.paging import PagingDep, listing
from dfc.personal_data import sharing

router = APIRouter(prefix="/api/devices", tags=["devices"])
CSV_COLUMNS = (
    "id",
    "serial_number",
    "kind",
    "make",
    "model",
    "asset_tag",
    "operating_system",
    "status",
    "holder_id",
    "owner_kind",
    "received_on",
    "warranty_ends_on",
)


@router.get("", response_model=Page[DevicePublic])
def list_devices(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    status: DeviceStatus | None = None,
    kind: DeviceKind | None = None,
    school_id: int | None = None,
    council_id: int | None = None,
    owner_kind: OwnerKind | None = None,
    cover_ends_before: Annotated[
        date | None, Query(description="supported today, but not on this date")
    ] = None,
    no_dongle: bool = False,
    unsupported: Annotated[bool, Query(description="nobody supports it today")] = False,
    serial_number: Annotated[str | None, Query(description="exactly this serial number")] = None,
    search: Annotated[
        str | None, Query(max_length=100, description="part of a serial number or asset tag")
    ] = None,
):
    """Devices the caller's organisation holds; `format=csv` exports every matching row."""
    filters = registry.DeviceFilters(
        status=status,
        kind=kind,
        school_id=school_id,
        council_id=council_id,
        owner_kind=owner_kind,
        cover_ends_before=cover_ends_before,
        no_dongle=no_dongle,
        unsupported=unsupported,
        serial_number=serial_number,
        search=search,
    )
    statement = registry.visible_devices(caller, filters, today=today())
    found = listing(
        session,
        statement,
        paging,
        sortable=registry.SORTABLE,
        default_sort="serial_number",
        columns=CSV_COLUMNS,
        filename="devices.csv",
        keyset=True,
    )
    return sharing.shared(caller, "device", found, DevicePublic, require=False)


@router.get(
    "/lookup",
    response_model=DevicePublic,
    responses={
        404: {"description": "No device with it in your organisation's register"},
        409: {"description": "The asset tag is on more than one device"},
    },
)
async def look_up_device(
    session: SessionDep,
    caller: ApiCaller,
    serial: Annotated[
        str | None, Query(max_length=100, description="exactly this serial number")
    ] = None,
    asset_tag: Annotated[
        str | None, Query(max_length=100, description="exactly this asset tag")
    ] = None,
) -> Response:
    """The one device with this serial number or asset tag (give one of them), in one query.
    Async, with the read in one worker thread and no transaction, and the answer written
    once: a scanner calls this for every device it sees (docs/performance.md, the request
    path)."""
    device = await read_without_transaction(
        session,
        lambda: DevicePublic.model_validate(
            lookup.find_device(session, caller=caller, serial=serial, asset_tag=asset_tag)
        ),
    )
    return sharing.shared_json(caller, "device", device, require=False)


@router.post("", status_code=status.HTTP_201_CREATED)
def create_device(device_in: DeviceCreate, session: SessionDep, caller: ApiCaller) -> DevicePublic:
    device = registry.create_device(session, caller=caller, device_in=device_in)
    session.commit()
    return DevicePublic.model_validate(device)


@router.get("/{device_id}")
def read_device(device_id: int, session: SessionDep, caller: ApiCaller) -> DevicePublic:
    device = DevicePublic.model_validate(
        registry.get_device(session, caller=caller, device_id=device_id)
    )
    return sharing.shared(caller, "device", device, require=False)


@router.patch("/{device_id}")
def update_device(
    device_id: int, device_in: DeviceUpdate, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    device = registry.update_device(
        session, caller=caller, device_id=device_id, device_in=device_in
    )
    session.commit()
    return DevicePublic.model_validate(device)


@router.get("/{device_id}/events")
def device_history(
    device_id: int, seen: SeenAt, session: SessionDep, caller: ApiCaller
) -> list[DeviceEventPublic]:
    """Everything that happened to the device, oldest first."""
    device = registry.get_device(session, caller=caller, device_id=device_id)
    history = [DeviceEventPublic.model_validate(event) for event in events.history(session, device)]
    families.record_families_who_had(session, caller=caller, device_id=device.id, seen=seen)
    return sharing.shared_list(caller, "device_event", history)


@router.get("/{device_id}/cover-periods")
def list_cover_periods(
    device_id: int, session: SessionDep, caller: ApiCaller
) -> list[CoverPeriodPublic]:
    periods = cover.periods_of(session, caller=caller, device_id=device_id)
    return [CoverPeriodPublic.model_validate(period) for period in periods]


@router.post("/{device_id}/cover-periods", status_code=status.HTTP_201_CREATED)
def extend_cover(
    device_id: int, period_in: CoverPeriodCreate, session: SessionDep, caller: ApiCaller
) -> CoverPeriodPublic:
    """Says who supports the device next, e.g. the council taking over from the scheme."""
    period = cover.extend_cover(session, caller=caller, device_id=device_id, period_in=period_in)
    session.commit()
    return CoverPeriodPublic.model_validate(period)


def _done(session: SessionDep, device: Device) -> DevicePublic:
    session.commit()
    return DevicePublic.model_validate(device)


@router.post("/{device_id}/collect")
def record_collection(
    device_id: int, body: OnDate, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    return _done(
        session,
        lifecycle.record_collection(session, caller=caller, device_id=device_id, on=body.on),
    )


@router.post("/{device_id}/return")
def return_device(
    device_id: int, body: ReturnDevice, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    return _done(
        session,
        lifecycle.return_device(
            session, caller=caller, device_id=device_id, on=body.on, reason=body.reason
        ),
    )


@router.post("/{device_id}/report-lost")
def report_lost(
    device_id: int, body: OnDate, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    return _done(
        session,
        lifecycle.report_missing(
            session, caller=caller, device_id=device_id, on=body.on, stolen=False
        ),
    )


@router.post("/{device_id}/report-stolen")
def report_stolen(
    device_id: int, body: OnDate, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    return _done(
        session,
        lifecycle.report_missing(
            session, caller=caller, device_id=device_id, on=body.on, stolen=True
        ),
    )


@router.post("/{device_id}/send-to-repair")
def send_to_repair(
    device_id: int, body: OnDate, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    return _done(
        session, lifecycle.send_to_repair(session, caller=caller, device_id=device_id, on=body.on)
    )


@router.post("/{device_id}/back-from-repair")
def back_from_repair(
    device_id: int, body: OnDate, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    return _done(
        session, lifecycle.back_from_repair(session, caller=caller, device_id=device_id, on=body.on)
    )


@router.post("/{device_id}/swap")
def swap_device(
    device_id: int, body: SwapDevice, session: SessionDep, caller: ApiCaller
) -> AllocationPublic:
    """A faulty device goes to repair; the replacement takes its place in the allocation."""
    allocation = lifecycle.swap_device(
        session,
        caller=caller,
        device_id=device_id,
        replacement_id=body.replacement_device_id,
        on=body.on,
        end_of_updates_override=body.end_of_updates_override,
    )
    session.commit()
    return AllocationPublic.model_validate(allocation)


@router.post("/{device_id}/transfer-to-family")
def transfer_to_family(
    device_id: int, body: TransferToFamily, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    """The device becomes the family's, once its handover checklist is complete (409 names
    the missing steps: GET /api/devices/{id}/handover)."""
    return _done(
        session,
        handover.hand_over(
            session, caller=caller, device_id=device_id, on=body.on, note=body.acceptance
        ),
    )


@router.get("/{device_id}/ownership")
def ownership_history(
    device_id: int, seen: SeenAt, session: SessionDep, caller: ApiCaller
) -> list[OwnershipTransferPublic]:
    """Every change of owner, oldest first."""
    transfers = [
        OwnershipTransferPublic.model_validate(transfer)
        for transfer in ownership.history(session, caller=caller, device_id=device_id)
    ]
    families.record_families_who_had(session, caller=caller, device_id=device_id, seen=seen)
    return sharing.shared_list(caller, "ownership_transfer", transfers)


@router.post("/{device_id}/transfer-ownership")
def transfer_ownership(
    device_id: int, body: TransferToOrganisation, session: SessionDep, caller: ApiCaller
) -> DevicePublic:
    """Ownership passes to the scheme, a council, a trust or a school."""
    return _done(
        session,
        ownership.transfer_to_organisation(
            session,
            caller=caller,
            device_id=device_id,
            organisation_id=body.organisation_id,
            on=body.on,
        ),
    )


@router.post("/{device_id}/retire")
def retire(device_id: int, body: OnDate, session: SessionDep, caller: ApiCaller) -> DevicePublic:
    return _done(session, lifecycle.retire(session, caller=caller, device_id=device_id, on=body.on))
