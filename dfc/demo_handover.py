"""Demo handovers for `make run`: of the school's laptops with a family, two have every
step of the checklist done (removed from management, wiped, filtering signed off, accepted
in person) and one has been wiped only, so /handovers shows "2 of N ready" and a batch hands
over two and refuses one naming what it still needs."""

from datetime import date, timedelta

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from devices.models import Allocation, Device, HandoverStep
from devices.service import acceptance, handover
from dfc.caller import Caller

READY, WIPED_ONLY = ("DEMO0003", "DEMO0002"), ("DEMO0001",)


def _caller(organisation: Organisation, role: Role) -> Caller:
    return Caller(
        organisation_id=organisation.id,
        organisation_kind=organisation.kind,
        organisation_name="demo",
        role=role,
        user_id=None,
        name="demo data",
    )


def seed_handovers(session: Session, *, school: Organisation, today: date) -> None:
    council = session.get_one(Organisation, school.council_id)
    assert council.kind is OrganisationKind.COUNCIL
    staff, officer = _caller(school, Role.SCHOOL_STAFF), _caller(council, Role.COUNCIL_OFFICER)
    laptops = session.exec(
        select(Device.id, Allocation.allocated_on)
        .join(Allocation, Allocation.device_id == Device.id)
        .where(
            Device.holder_id == school.id,
            Device.serial_number.in_(READY + WIPED_ONLY),
            Allocation.returned_on.is_(None),
        )
        .order_by(Device.serial_number.desc())
    ).all()
    for position, (device_id, allocated_on) in enumerate(laptops[:3]):
        done_on = max(allocated_on, today - timedelta(days=7))
        handover.record_step(
            session, caller=staff, device_id=device_id, step=HandoverStep.WIPED,
            done_on=done_on, confirmed_by="Sam Staff", method="Windows reset",
            reference=f"WIPE-DEMO-{device_id:04d}",
        )  # fmt: skip
        if position == 2:
            continue  # wiped only: the batch refuses it, naming the rest
        handover.record_step(
            session, caller=staff, device_id=device_id, step=HandoverStep.MANAGEMENT_REMOVED,
            done_on=done_on, confirmed_by="School IT office",
            method="Retired and Autopilot record deleted in Intune",
        )  # fmt: skip
        handover.record_step(
            session, caller=officer, device_id=device_id,
            step=HandoverStep.FILTERING_SIGNED_OFF, done_on=done_on,
            confirmed_by="Dana Lead", reference="Parental controls set up with the family",
        )  # fmt: skip
        acceptance.record_in_person(
            session, caller=staff, device_id=device_id, witnessed_by="Sam Staff"
        )
    session.commit()
