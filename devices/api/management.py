"""Device management: a device's manager, enrolment state, last check-in and end of updates;
the reconciliation reports; the end-of-updates dates of models and operating systems (scheme
admins change them); and the devices whose updates end soon."""

from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, Field

from accounts.deps import ApiCaller, SessionDep
from devices import management_queries as queries
from devices.models import EndOfUpdates
from devices.models.management import EnrolmentState, Manager, UpdatesKind, UpdatesSource
from devices.schemas import DeviceEventPublic, Public, StrictModel
from devices.service import end_of_updates, management
from dfc import clock
from dfc.errors import NotFound
from dfc.listing import Page
from dfc.paging import Paging, PagingDep, listing
from dfc.personal_data import sharing

router = APIRouter(prefix="/api", tags=["device management"])
WithinDays = Annotated[int, Query(ge=0, le=3650, description="from today; past dates too")]


class EndOfUpdatesOfDevice(BaseModel):
    ends_on: date
    basis: str = Field(description="device (its own date), model or operating system")
    past: bool


class ManagementPublic(BaseModel):
    """`manager` and `state` are null when no manager has reported the device."""

    device_id: int
    manager: Manager | None = None
    state: EnrolmentState | None = None
    manager_status: str | None = None
    last_check_in_at: datetime | None = None
    enrolled_on: date | None = None
    primary_user: str | None = None
    reported_model: str | None = None
    os_version: str | None = None
    org_unit: str | None = None
    asset_id: str | None = None
    ownership: str | None = None
    compliance: str | None = None
    auto_update_expires_on: date | None = None
    end_of_updates: EndOfUpdatesOfDevice | None = None
    history: list[DeviceEventPublic] = []


class ManagementByHand(StrictModel):
    manager: Manager
    state: EnrolmentState
    last_check_in_at: datetime | None = None


class EndOfUpdatesPublic(Public):
    id: int
    kind: UpdatesKind
    name: str
    ends_on: date
    source: UpdatesSource
    updated_by: str
    updated_at: datetime


class EndOfUpdatesSet(StrictModel):
    kind: UpdatesKind
    name: str = Field(min_length=1, max_length=100)
    ends_on: date


def _public(caller: Any, found: management.ManagementView) -> ManagementPublic:
    record = found.record
    data: dict[str, Any] = {"device_id": found.device.id}
    if record is not None:
        fields = ManagementPublic.model_fields.keys() - {"end_of_updates", "history"}
        data |= sharing.redact(
            caller, "device_management", {name: getattr(record, name) for name in fields}
        )
    if found.updates is not None:
        data["end_of_updates"] = EndOfUpdatesOfDevice(
            ends_on=found.updates.ends_on,
            basis=found.updates.basis,
            past=found.past_end_of_updates,
        )
    history = [DeviceEventPublic.model_validate(event) for event in found.history]
    data["history"] = sharing.shared_list(caller, "device_event", history)
    return ManagementPublic.model_validate(data)


@router.get("/devices/{device_id}/management")
def read_management(device_id: int, session: SessionDep, caller: ApiCaller) -> ManagementPublic:
    """The device's manager and enrolment as last reported, its end of updates and the
    history of its management."""
    found = management.device_management(session, caller=caller, device_id=device_id)
    return _public(caller, found)


@router.put("/devices/{device_id}/management")
def record_management(
    device_id: int, body: ManagementByHand, session: SessionDep, caller: ApiCaller
) -> ManagementPublic:
    """Records the manager and state of a device no export covers (another MDM, or none)."""
    found = management.record_by_hand(
        session,
        caller=caller,
        device_id=device_id,
        manager=body.manager,
        state=body.state,
        last_check_in_at=body.last_check_in_at,
    )
    session.commit()
    return _public(caller, found)


def _report(session: SessionDep, paging: Paging, statement: Any, *, name: str, sort: str) -> Any:
    columns = [column.name for column in statement.selected_columns]
    sortable = {column.name: column for column in statement.selected_columns}
    keys = [c for c in statement.selected_columns if c.name in ("device_id", "unmatched_id")]
    result = listing(
        session,
        statement,
        paging,
        sortable=sortable,
        default_sort=sort,
        columns=columns,
        filename=f"{name}.csv",
        tiebreak=keys,
    )
    if isinstance(result, Page):
        result.items = [dict(row._mapping) for row in result.items]
    return result


@router.get("/reports/management/{report}", response_model=Page[dict[str, Any]])
def management_report(
    report: str,
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    manager: Manager | None = None,
    school_id: int | None = None,
):
    """One reconciliation report: not-seen, deprovisioned-but-allocated,
    in-stock-but-checking-in, enrolled-though-family-owned or not-in-register."""
    found = queries.REPORTS.get(report)
    if found is None:
        raise NotFound(f"No report {report!r}; choose one of {', '.join(queries.REPORTS)}")
    filters = queries.Filters(manager=manager, school_id=school_id)
    statement = found.query(caller, today=clock.today(), filters=filters)
    return _report(session, paging, statement, name=report, sort=found.default_sort)


@router.get("/reports/end-of-updates", response_model=Page[dict[str, Any]])
def end_of_updates_report(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, within_days: WithinDays = 90
):
    """Devices in service whose security updates have ended, or end within the days given."""
    statement = queries.end_of_updates(caller, within_days=within_days, today=clock.today())
    return _report(session, paging, statement, name="end-of-updates", sort="ends_on")


@router.get("/end-of-updates", response_model=Page[EndOfUpdatesPublic])
def list_end_of_updates(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, kind: UpdatesKind | None = None
):
    """The last day of security updates of each model and operating system we know."""
    statement = end_of_updates.listed_dates()
    if kind is not None:
        statement = statement.where(EndOfUpdates.kind == kind)
    columns = ["id", "kind", "name", "ends_on", "source", "updated_by", "updated_at"]
    return listing(
        session,
        statement,
        paging,
        sortable={"name": EndOfUpdates.name, "ends_on": EndOfUpdates.ends_on},
        default_sort="name",
        columns=columns,
        filename="end-of-updates.csv",
        tiebreak=[EndOfUpdates.id],
    )


@router.put("/end-of-updates")
def set_end_of_updates(
    body: EndOfUpdatesSet, session: SessionDep, caller: ApiCaller
) -> EndOfUpdatesPublic:
    """Sets a model's or operating system's end of updates (scheme admins); imports of
    Google's export never overwrite it."""
    row = end_of_updates.set_date(
        session, caller=caller, kind=body.kind, name=body.name, ends_on=body.ends_on
    )
    session.commit()
    return EndOfUpdatesPublic.model_validate(row)


@router.delete("/end-of-updates/{date_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_end_of_updates(date_id: int, session: SessionDep, caller: ApiCaller) -> Response:
    """Forgets a date (scheme admins): devices then fall back to the next that applies."""
    end_of_updates.delete_date(session, caller=caller, date_id=date_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
