"""Demo incidents for `make run`: a damaged laptop with a warranty claim, a photo and a
loaner out with the family while it is repaired, and a stolen one with a crime reference,
disabled in its manager. Made through the services, as staff would make them."""

import io
from datetime import date, timedelta

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from devices.connectivity_schemas import SeatAssign
from devices.incident_schemas import IncidentCreate, IncidentUpdate
from devices.models import (
    Allocation,
    Device,
    DeviceStatus,
    Family,
    IncidentKind,
    Licence,
    LicenceProduct,
    ResponsibleParty,
    WarrantyStatus,
)
from devices.service import incident_files, incidents, licences, loaners
from dfc.caller import Caller
from dfc.demo_register import INCIDENT_FAMILIES
from dfc.errors import DomainError


def _photo() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), "#dddddd")
    ImageDraw.Draw(image).line([(40, 20), (160, 110), (290, 180)], fill="black", width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _lend(session: Session, caller: Caller, incident_id: int, school: Organisation, on: date):
    """The first device in stock that may be lent (some demo devices are past their end of
    updates, and are refused, as they would be for staff)."""
    for loaner in session.exec(
        select(Device.id)
        .where(Device.holder_id == school.id, Device.status == DeviceStatus.IN_STOCK)
        .order_by(Device.id)
    ).all():
        try:
            with session.begin_nested():
                loaners.issue_loaner(
                    session, caller=caller, incident_id=incident_id, loaner_device_id=loaner, on=on
                )
        except DomainError:
            continue
        _filter(session, caller, school, loaner, on)
        return


def _filter(session: Session, caller: Caller, school: Organisation, device_id: int, on: date):
    """The loaner gets a seat on the school's web filter, as the laptop it stands in for
    had: a child's device is filtered."""
    licence = session.exec(
        select(Licence.id).where(
            Licence.organisation_id == school.id, Licence.product == LicenceProduct.WEB_FILTER
        )
    ).first()
    if licence is None:
        return
    try:
        with session.begin_nested():
            licences.assign_seat(
                session,
                caller=caller,
                licence_id=licence,
                seat_in=SeatAssign(device_id=device_id, assigned_on=on),
            )
    except DomainError:  # a full licence: the unfiltered list will show the loaner
        return


def seed_incidents(session: Session, *, school: Organisation, today: date) -> None:
    caller = Caller(
        organisation_id=school.id,
        organisation_kind=OrganisationKind.SCHOOL,
        organisation_name=school.name,
        role=Role.SCHOOL_STAFF,
        user_id=None,
        name="demo data",
    )
    with_families = session.exec(
        select(Device.id)
        .join(Allocation, Allocation.device_id == Device.id)
        .join(Family, Family.id == Allocation.family_id)
        .where(Device.holder_id == school.id, Allocation.returned_on.is_(None))
        .where(Family.pupil_reference.in_(INCIDENT_FAMILIES))
        .order_by(Family.pupil_reference)
    ).all()
    if len(with_families) < 2:
        return
    damaged = incidents.record_incident(
        session,
        caller=caller,
        incident_in=IncidentCreate(
            device_id=with_families[0],
            kind=IncidentKind.DAMAGE,
            happened_on=today - timedelta(days=10),
            description="The screen cracked when the laptop fell from the kitchen table.",
            responsible_party=ResponsibleParty.NOBODY,
        ),
    )
    incidents.update_incident(
        session,
        caller=caller,
        incident_id=damaged.id,
        changes=IncidentUpdate(
            warranty_status=WarrantyStatus.CLAIMED,
            warranty_supplier="Demo Laptops Ltd",
            warranty_reference="RMA-DEMO-0001",
        ),
    )
    incident_files.add_file(
        session, caller=caller, incident_id=damaged.id, data=_photo(), declared_type="image/png"
    )
    _lend(session, caller, damaged.id, school, today - timedelta(days=9))
    stolen = incidents.record_incident(
        session,
        caller=caller,
        incident_in=IncidentCreate(
            device_id=with_families[1],
            kind=IncidentKind.THEFT,
            happened_on=today - timedelta(days=4),
            description="Taken from the pupil's bag on the bus home.",
            crime_reference="CR/0412/26",
            responsible_party=ResponsibleParty.THIRD_PARTY,
        ),
    )
    incidents.disable_in_manager(
        session, caller=caller, incident_id=stolen.id, on=today - timedelta(days=3)
    )
    session.flush()
