"""A school register that the sample exports in tests/devices/data/ reconcile with: each
device set up to land in one report, and helpers to run an export through the import job."""

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from accounts.models import Organisation
from devices.imports import jobs
from devices.models import Device, DeviceKind, DeviceStatus, ImportJob, ImportKind, OwnerKind
from dfc.caller import Caller
from tests.devices.factories import make_allocation, make_device, make_family

DATA = Path(__file__).parent / "data"
TODAY = date(2026, 12, 5)  # the samples' check-ins are read against this day


@dataclass
class Register:
    school: Organisation
    devices: dict[str, Device]


def _device(
    session: Session,
    school: Organisation,
    serial: str,
    *,
    model: str,
    operating_system: str | None = None,
    kind: DeviceKind = DeviceKind.CHROMEBOOK,
    family_owned: bool = False,
    with_family: bool = False,
    status: DeviceStatus = DeviceStatus.IN_STOCK,
) -> Device:
    device = make_device(session, holder=school, serial=serial, kind=kind, status=status)
    device.model, device.operating_system = model, operating_system
    session.add(device)
    session.commit()
    if with_family or family_owned:
        family = make_family(session, school=school)
        make_allocation(session, device=device, family=family)
        if family_owned:
            device.owner_kind, device.owner_family_id = OwnerKind.FAMILY, family.id
            session.add(device)
            session.commit()
    return device


def build_register(session: Session, school: Organisation) -> Register:
    """The devices the samples name, each with what makes a report pick it out."""
    chromebook, lenovo = "Chromebook 311", "100e Chromebook"
    made = [
        _device(session, school, "5CD1234ABC", model=chromebook, with_family=True),
        _device(session, school, "NXHBPEK00112345678", model=chromebook, with_family=True),
        _device(session, school, "CB-0003", model=chromebook, with_family=True),
        _device(session, school, "CB-0004", model=lenovo),
        _device(session, school, "CB-0005", model=lenovo, family_owned=True),
        _device(session, school, "CB-0006", model=chromebook, status=DeviceStatus.LOST),
        _device(
            session,
            school,
            "PF-2ABC11",
            model="ThinkPad L13",
            operating_system="Windows 10 Pro",
            kind=DeviceKind.LAPTOP,
            with_family=True,
        ),
        _device(
            session,
            school,
            "PF-2ABC12",
            model="ThinkPad L13",
            operating_system="Windows 11 Pro",
            kind=DeviceKind.LAPTOP,
            family_owned=True,
        ),
        _device(
            session,
            school,
            "PF-2ABC13",
            model="ThinkPad L13",
            operating_system="Windows 10 Education",
            kind=DeviceKind.LAPTOP,
        ),
    ]
    return Register(school=school, devices={device.serial_number: device for device in made})


def caller_of(session: Session, user) -> Caller:
    return Caller.for_user(user, session.get_one(Organisation, user.organisation_id))


def run_export(session: Session, engine, user, kind: ImportKind, filename: str) -> ImportJob:
    """Uploads a sample as `user` and runs its job as the worker would."""
    data = (DATA / filename).read_bytes()
    job = jobs.create_job(
        session, caller=caller_of(session, user), kind=kind, filename=filename, data=data, rows=0
    )
    session.commit()
    with Session(engine) as worker_session:
        jobs.run_job(worker_session, job_id=job.id)
    session.expire_all()
    return session.exec(select(ImportJob).where(ImportJob.id == job.id)).one()
