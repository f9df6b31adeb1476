"""The school's or council's stock: how many devices in each status, and every device,
searched (serial number or asset tag), filtered, sorted and paged in the URL, with CSV of
every matching row."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.api.devices import CSV_COLUMNS
from devices.models import DeviceKind, DeviceStatus
from devices.pages import labels
from devices.service import registry
from devices.service.access import organisation_names, schools_reached
from dfc.clock import today
from dfc.paging import PagingDep, listing
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)
DEFAULT_SORT = "serial_number"


@router.get("/devices")
def device_list(
    request: Request,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
    status: DeviceStatus | None = None,
    kind: DeviceKind | None = None,
    school: int | None = None,
    search: str | None = None,
    unsupported: bool = False,
) -> Response:
    filters = registry.DeviceFilters(
        status=status,
        kind=kind,
        school_id=school,
        search=(search or "").strip() or None,
        unsupported=unsupported,
    )
    found = listing(
        session,
        registry.visible_devices(caller, filters, today=today()),
        paging,
        sortable=registry.SORTABLE,
        default_sort=DEFAULT_SORT,
        columns=CSV_COLUMNS,
        filename="devices.csv",
        keyset=True,
    )
    if isinstance(found, Response):
        return found
    holders = organisation_names(session, caller, {device.holder_id for device in found.items})
    return render(
        request,
        "devices/register_devices.html",
        {
            "devices": found,
            "holders": holders,
            "counts": registry.count_by_status(session, caller),
            "schools": schools_reached(session, caller),
            "filters": filters,
            "default_sort": DEFAULT_SORT,
            "statuses": labels.DEVICE_STATUS,
            "kinds": labels.DEVICE_KIND,
            "status_choices": labels.choices(labels.DEVICE_STATUS),
            "kind_choices": labels.choices(labels.DEVICE_KIND),
        },
        caller=caller,
        staff=True,
    )
