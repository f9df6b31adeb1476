"""Licences: terms, seats held by devices, renewals. A full licence refuses another seat."""

from datetime import timedelta

from sqlalchemy import JSON, Date, func, insert, literal
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.scoping import scoped
from devices.connectivity_schemas import LicenceCreate, LicenceRenew, SeatAssign
from devices.errors import LicenceFull, flush_or_duplicate
from devices.models import DeviceEvent, Licence, LicenceProduct, LicenceSeat
from devices.service import events
from devices.service.access import actor, get_scoped, reachable_organisation, require_writer
from devices.service.registry import get_device
from dfc.caller import Caller
from dfc.db_types import UTCDateTime, utcnow
from dfc.errors import Conflict, InvalidInput

SORTABLE = {
    "id": Licence.id,
    "ends_on": Licence.ends_on,
    "starts_on": Licence.starts_on,
    "name": Licence.name,
    "product": Licence.product,
    "seats": Licence.seats,
}


def visible_licences(
    caller: Caller,
    *,
    product: LicenceProduct | None = None,
    organisation_id: int | None = None,
    ends_before=None,
) -> SelectOfScalar[Licence]:
    statement = scoped(select(Licence), caller, Licence.organisation_id)
    if product:
        statement = statement.where(Licence.product == product)
    if organisation_id:
        statement = statement.where(Licence.organisation_id == organisation_id)
    if ends_before:
        statement = statement.where(Licence.ends_on < ends_before)
    return statement


def get_licence(session: Session, *, caller: Caller, licence_id: int) -> Licence:
    return get_scoped(session, caller, Licence, licence_id, Licence.organisation_id, "licence")


def seats_used(session: Session, licence_ids: list[int]) -> dict[int, int]:
    """Seats in use per licence, in one query."""
    rows = session.exec(
        select(LicenceSeat.licence_id, func.count())
        .where(LicenceSeat.licence_id.in_(licence_ids))
        .group_by(LicenceSeat.licence_id)
    ).all()
    return dict(rows)


def create_licence(session: Session, *, caller: Caller, licence_in: LicenceCreate) -> Licence:
    require_writer(caller)
    reachable_organisation(session, caller, licence_in.organisation_id, "organisation_id")
    licence = Licence(**licence_in.model_dump())
    session.add(licence)
    session.flush()
    return licence


def assign_seat(
    session: Session, *, caller: Caller, licence_id: int, seat_in: SeatAssign
) -> LicenceSeat:
    """Gives a device a seat; a full licence says how many seats it has and that all are
    taken. The licence row is locked so two requests cannot take the last seat."""
    require_writer(caller)
    licence = get_licence(session, caller=caller, licence_id=licence_id)
    device = get_device(session, caller=caller, device_id=seat_in.device_id)
    session.exec(select(Licence.id).where(Licence.id == licence.id).with_for_update()).one()
    used = seats_used(session, [licence.id]).get(licence.id, 0)
    if used >= licence.seats:
        raise LicenceFull(
            f"Licence {licence.name!r} has {licence.seats} seats and all are "
            f"taken; renew it with more seats or use another licence"
        )
    if not licence.starts_on <= seat_in.assigned_on <= licence.ends_on:
        raise InvalidInput(
            f"The licence runs from {licence.starts_on} to {licence.ends_on}", field="assigned_on"
        )
    seat = LicenceSeat(licence_id=licence.id, device_id=device.id, assigned_on=seat_in.assigned_on)
    session.add(seat)
    flush_or_duplicate(
        session, f"Device {device.serial_number} already holds a seat on this licence"
    )
    events.record(
        session,
        device=device,
        caller=caller,
        action="licence-seat-assigned",
        before=events.snapshot(device),
        licence_id=licence.id,
        on=seat_in.assigned_on,
    )
    session.flush()
    return seat


def renew_licence(
    session: Session, *, caller: Caller, licence_id: int, renewal: LicenceRenew
) -> Licence:
    """A new term starting the day after this one ends; every seat carries over in one
    statement, so history keeps both terms."""
    require_writer(caller)
    licence = get_licence(session, caller=caller, licence_id=licence_id)
    if session.exec(select(Licence.id).where(Licence.renewed_from_id == licence.id)).first():
        raise Conflict(f"Licence {licence.id} has already been renewed; renew the newer term")
    starts = licence.ends_on + timedelta(days=1)
    if renewal.ends_on <= starts:
        raise InvalidInput(f"Must be after the new term starts on {starts}", field="ends_on")
    seats = renewal.seats or licence.seats
    used = seats_used(session, [licence.id]).get(licence.id, 0)
    if seats < used:
        raise InvalidInput(f"{used} devices hold seats; renew with at least {used}", field="seats")
    term = Licence(
        organisation_id=licence.organisation_id,
        product=licence.product,
        name=licence.name,
        supplier=licence.supplier,
        seats=seats,
        starts_on=starts,
        ends_on=renewal.ends_on,
        cost_per_seat_per_year=(
            renewal.cost_per_seat_per_year
            if renewal.cost_per_seat_per_year is not None
            else licence.cost_per_seat_per_year
        ),
        renewed_from_id=licence.id,
    )
    session.add(term)
    session.flush()
    session.execute(
        insert(LicenceSeat).from_select(
            ["licence_id", "device_id", "assigned_on"],
            select(literal(term.id), LicenceSeat.device_id, literal(starts, Date)).where(
                LicenceSeat.licence_id == licence.id
            ),
        )
    )
    details = {
        "licence_id": term.id,
        "renewed_from_id": licence.id,
        "ends_on": renewal.ends_on.isoformat(),
    }
    session.execute(
        insert(DeviceEvent).from_select(
            ["device_id", "occurred_at", "actor", "action", "before", "after"],
            select(
                LicenceSeat.device_id,
                literal(utcnow(), UTCDateTime),
                literal(actor(caller)),
                literal("licence-renewed"),
                literal({}, JSON),
                literal(details, JSON),
            ).where(LicenceSeat.licence_id == licence.id),
        )
    )
    session.flush()
    return term
