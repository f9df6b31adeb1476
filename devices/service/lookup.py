"""Finding one device by exactly what is printed on it: its serial number or asset tag.
One statement, no count: what a scanner at a school's front desk or a supplier's feed calls
for each device it sees."""

from sqlmodel import Session, select

from accounts.scoping import scoped
from devices.models import Device
from dfc.caller import Caller
from dfc.errors import Conflict, InvalidInput, NotFound


def normal_serial(serial: str) -> str:
    """Serial numbers are kept upper-case without spaces, as the register stores them."""
    return "".join(serial.split()).upper()


def find_device(
    session: Session, *, caller: Caller, serial: str | None = None, asset_tag: str | None = None
) -> Device:
    """The one device with this serial number or asset tag that the caller's organisations
    hold; NotFound (as for a device elsewhere) if none, Conflict if an asset tag is on more."""
    serial = normal_serial(serial or "") or None
    asset_tag = (asset_tag or "").strip() or None
    if (serial is None) == (asset_tag is None):
        raise InvalidInput("Give either serial or asset_tag (not both)", field="serial")
    column, value, noun = (
        (Device.serial_number, serial, "serial number")
        if serial
        else (Device.asset_tag, asset_tag, "asset tag")
    )
    statement = scoped(select(Device), caller, Device.holder_id).where(column == value)
    found = session.exec(statement.order_by(Device.id).limit(2)).all()
    if not found:
        raise NotFound(f"No device with {noun} {value!r} in your organisation's register")
    if len(found) > 1:
        raise Conflict(
            f"More than one device has asset tag {value!r}; look it up by serial number, or "
            "list them with GET /api/devices?search=",
        )
    return found[0]
