"""Finding one device by exactly what is printed on it: its serial number or asset tag.
One statement, no count: what a scanner at a school's front desk or a supplier's feed calls
for each device it sees, so it is kept lean (docs/performance.md, the request path)."""

from functools import lru_cache
from typing import Any

from sqlalchemy import Row, Select, bindparam, select
from sqlmodel import Session

from accounts.scoping import scoped
from devices.models import Device
from dfc.caller import Caller
from dfc.errors import Conflict, InvalidInput, NotFound

DEVICE = Device.__table__


def normal_serial(serial: str) -> str:
    """Serial numbers are kept upper-case without spaces, as the register stores them."""
    return "".join(serial.split()).upper()


@lru_cache(maxsize=1024)
def _statement(caller: Caller, column: str) -> Select[Any]:
    """The look-up by `column` within the caller's reach, the value left as a parameter. Made
    once per caller: SQLAlchemy then finds its compiled form without walking a new statement,
    and the columns come back as a row, without the ORM's bookkeeping for an object nobody
    changes (together a third of the look-up's CPU)."""
    statement = scoped(select(*DEVICE.columns), caller, DEVICE.c.holder_id)
    return statement.where(DEVICE.c[column] == bindparam("value")).order_by(DEVICE.c.id).limit(2)


def find_device(
    session: Session, *, caller: Caller, serial: str | None = None, asset_tag: str | None = None
) -> Row[Any]:
    """The one device with this serial number or asset tag that the caller's organisations
    hold, as a row of its columns; NotFound (as for a device elsewhere) if none, Conflict if
    an asset tag is on more."""
    serial = normal_serial(serial or "") or None
    asset_tag = (asset_tag or "").strip() or None
    if (serial is None) == (asset_tag is None):
        raise InvalidInput("Give either serial or asset_tag (not both)", field="serial")
    column, value, noun = (
        ("serial_number", serial, "serial number")
        if serial
        else ("asset_tag", asset_tag, "asset tag")
    )
    found = session.execute(_statement(caller, column), {"value": value}).all()
    if not found:
        raise NotFound(f"No device with {noun} {value!r} in your organisation's register")
    if len(found) > 1:
        raise Conflict(
            f"More than one device has asset tag {value!r}; look it up by serial number, or "
            "list them with GET /api/devices?search=",
        )
    return found[0]
