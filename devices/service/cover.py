"""Cover periods: who supports a device from when until when, and extending them."""

from sqlmodel import Session, select

from devices.models import CoverPeriod
from devices.schemas import CoverPeriodCreate
from devices.service import events
from devices.service.access import require_writer
from devices.service.registry import get_device
from dfc.caller import Caller
from dfc.errors import InvalidInput


def periods_of(session: Session, *, caller: Caller, device_id: int) -> list[CoverPeriod]:
    device = get_device(session, caller=caller, device_id=device_id)
    return list(
        session.exec(
            select(CoverPeriod)
            .where(CoverPeriod.device_id == device.id)
            .order_by(CoverPeriod.starts_on)
        )
    )


def extend_cover(
    session: Session, *, caller: Caller, device_id: int, period_in: CoverPeriodCreate
) -> CoverPeriod:
    """Adds who supports the device next (a council or school taking over, a supplier, or
    nobody). An open-ended period before it is closed the day before; overlaps are refused."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=device_id)
    existing = session.exec(select(CoverPeriod).where(CoverPeriod.device_id == device.id)).all()
    for period in existing:
        if period.ends_on is None and period.starts_on < period_in.starts_on:
            period.ends_on = period_in.starts_on.fromordinal(period_in.starts_on.toordinal() - 1)
            session.add(period)
        ends = period.ends_on or period_in.starts_on
        new_ends = period_in.ends_on or ends
        if period.starts_on <= new_ends and period_in.starts_on <= ends:
            raise InvalidInput(
                f"Overlaps the {period.provider.value} period from {period.starts_on} to "
                f"{period.ends_on or 'open-ended'}; start after it",
                field="starts_on",
            )
    period = CoverPeriod(device_id=device.id, **period_in.model_dump())
    session.add(period)
    session.flush()
    events.record(
        session,
        device=device,
        caller=caller,
        action="support-extended",
        before=events.snapshot(device),
        cover_period_id=period.id,
        provider=period.provider.value,
        starts_on=period.starts_on,
        ends_on=period.ends_on,
    )
    session.flush()
    return period
