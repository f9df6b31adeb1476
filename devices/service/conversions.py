"""A school's conversion to an academy, or its closure or merger: everything it holds goes
to its successor (the school link) in one job, one transaction, one UPDATE per table.

The job's row is the audit (who asked, when, what moved, how far it has got); each device's
history gets a 'converted' event naming the old URN; the predecessor stays, with its URN,
holding nothing. Figures per council stay the same when the successor is in the same
council: the same rows, held by another school."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, exists, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation, OrganisationKind
from accounts.school_links import MANAGERS, SchoolLink, get_link
from accounts.scoping import visible_organisations
from devices.models import (
    Allocation,
    ConversionStatus,
    Device,
    DeviceRequest,
    Dongle,
    Family,
    FamilyAcceptance,
    FamilyMove,
    Licence,
    MoveStatus,
    SchoolConversion,
    Sim,
    UnmatchedManagedDevice,
)
from devices.models.moves import FOLLOWERS
from devices.service.access import actor
from devices.service.move_sql import move_rows, record_moved
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Conflict, DomainError, Forbidden, NotFound

Step = Callable[[Session, SchoolConversion], int]
SORTABLE = {
    "id": SchoolConversion.id,
    "queued_at": SchoolConversion.queued_at,
    "status": SchoolConversion.status,
}


def _held(column: Any) -> Step:
    return lambda session, job: move_rows(
        session, column, job.successor_id, column == job.predecessor_id
    )


def _history(session: Session, job: SchoolConversion) -> int:
    link = session.get(SchoolLink, job.link_id)
    return record_moved(
        session,
        device_ids=select(Device.id).where(Device.holder_id == job.predecessor_id),
        actor=job.requested_by,
        action="converted",
        when=utcnow(),
        to_holder_id=job.successor_id,
        conversion_id=job.id,
        from_urn=link.predecessor_urn,
    )


def _unmatched(session: Session, job: SchoolConversion) -> int:
    """A manager's unmatched serial the successor already lists stays with the old school."""
    theirs = aliased(UnmatchedManagedDevice)
    already = exists().where(
        theirs.organisation_id == job.successor_id,
        theirs.manager == UnmatchedManagedDevice.manager,
        theirs.serial_number == UnmatchedManagedDevice.serial_number,
    )
    column = UnmatchedManagedDevice.organisation_id
    return move_rows(session, column, job.successor_id, column == job.predecessor_id, ~already)


def _offers(column: Any) -> Step:
    """Offers still waiting go with the school: answered later, they move from (or to) the
    successor. Decided moves stay as they were: history."""
    return lambda session, job: move_rows(
        session,
        column,
        job.successor_id,
        column == job.predecessor_id,
        FamilyMove.status == MoveStatus.OFFERED,
    )


# In order; each is one statement. The history is written before the devices move.
STEPS: list[tuple[str, Step]] = [
    ("device_events", _history),
    ("devices", _held(Device.holder_id)),
    ("devices_owned", _held(Device.owner_organisation_id)),
    ("dongles", _held(Dongle.holder_id)),
    ("sims", _held(Sim.holder_id)),
    ("licences", _held(Licence.organisation_id)),
    ("families", _held(Family.school_id)),
    ("allocations", _held(Allocation.school_id)),
    ("agreements", _held(FamilyAcceptance.organisation_id)),
    ("device_requests", _held(DeviceRequest.school_id)),
    ("unmatched_managed_devices", _unmatched),
    ("offers_out", _offers(FamilyMove.from_school_id)),
    ("offers_in", _offers(FamilyMove.to_school_id)),
]


def conversion_steps() -> list[tuple[str, Step]]:
    return STEPS + [(name, _held(column)) for name, column, _family in FOLLOWERS]


def visible_conversions(
    caller: Caller, *, status: ConversionStatus | None = None
) -> SelectOfScalar[SchoolConversion]:
    statement = select(SchoolConversion)
    if caller.organisation_kind is not OrganisationKind.SCHEME:
        reached = select(Organisation.id).where(visible_organisations(caller))
        statement = statement.where(
            SchoolConversion.predecessor_id.in_(reached)
            | SchoolConversion.successor_id.in_(reached)
        )
    if status is not None:
        statement = statement.where(SchoolConversion.status == status)
    return statement


def get_conversion(session: Session, *, caller: Caller, conversion_id: int) -> SchoolConversion:
    statement = visible_conversions(caller).where(SchoolConversion.id == conversion_id)
    found = session.exec(statement).one_or_none()
    if found is None:
        raise NotFound(f"No school conversion with id {conversion_id}")
    return found


def create_conversion(session: Session, *, caller: Caller, link_id: int) -> SchoolConversion:
    """Saves the job for a link the caller reaches (council officers, scheme admins); the
    caller commits and queues it. A link converts once."""
    if not caller.has_role(*MANAGERS):
        raise Forbidden("Only council officers and scheme admins can convert a school")
    link = get_link(session, caller=caller, link_id=link_id)
    reached = select(Organisation.id).where(
        visible_organisations(caller), Organisation.id == link.predecessor_id
    )
    if session.exec(reached).first() is None:
        raise Forbidden("Only the predecessor's council can move its register")
    earlier = select(SchoolConversion).where(
        SchoolConversion.link_id == link.id, SchoolConversion.status != ConversionStatus.FAILED
    )
    if (found := session.exec(earlier).first()) is not None:
        raise Conflict(
            f"URN {link.predecessor_urn} is already {found.status.value} (job {found.id})"
        )
    clashes = _clashing_references(session, link)
    if clashes:
        raise Conflict(
            f"URN {link.successor_urn} already has families with the pupil references "
            f"{', '.join(clashes[:10])}; change them at one school first"
        )
    job = SchoolConversion(
        link_id=link.id,
        predecessor_id=link.predecessor_id,
        successor_id=link.successor_id,
        steps_total=len(conversion_steps()),
        requested_by=actor(caller),
        requested_by_organisation_id=caller.organisation_id,
    )
    session.add(job)
    session.flush()
    return job


def _clashing_references(session: Session, link: SchoolLink) -> list[str]:
    theirs = aliased(Family)
    statement = (
        select(Family.pupil_reference)
        .join(
            theirs,
            and_(
                theirs.pupil_reference == Family.pupil_reference,
                theirs.school_id == link.successor_id,
            ),
        )
        .where(Family.school_id == link.predecessor_id)
        .order_by(Family.pupil_reference)
    )
    return list(session.exec(statement))


def _progress(session: Session, job_id: int, **values: Any) -> None:
    """Commits the job's state in a session of its own, so readers see it now (SQLite
    allows one writer: once the job has written, progress waits for the end)."""
    connection = session.connection()
    if (
        connection.dialect.name == "sqlite"
        and connection.connection.dbapi_connection.in_transaction
    ):
        return
    with Session(session.get_bind().engine) as own:
        own.execute(update(SchoolConversion).where(SchoolConversion.id == job_id).values(**values))
        own.commit()


def run_conversion(session: Session, *, job_id: int) -> None:
    """Runs a queued conversion: every step in one transaction, committed with 'done'; on
    any refusal, rolled back and 'failed' with why. A finished job is left alone."""
    job = session.get(SchoolConversion, job_id)
    if job is None or job.status in (ConversionStatus.DONE, ConversionStatus.RUNNING):
        return
    job.status, job.started_at, job.error = ConversionStatus.RUNNING, utcnow(), None
    session.commit()
    moved: dict[str, int] = {}
    try:
        link = session.get(SchoolLink, job.link_id)
        if _clashing_references(session, link):
            raise Conflict("the successor has families with the same pupil references")
        for done, (name, step) in enumerate(conversion_steps(), start=1):
            moved[name] = step(session, job)
            _progress(session, job_id, steps_done=done)
    except Exception as error:
        session.rollback()
        message = error.message if isinstance(error, DomainError) else "nothing was moved"
        job = session.get(SchoolConversion, job_id)
        job.status, job.finished_at = ConversionStatus.FAILED, utcnow()
        job.error = f"The conversion failed: {message}"[:1000]
        session.commit()
        if not isinstance(error, DomainError):
            raise
        return
    job.status, job.finished_at = ConversionStatus.DONE, utcnow()
    job.steps_done, job.moved = len(conversion_steps()), moved
    session.commit()


def councils_of_conversion(session: Session, *, job_id: int) -> list[int]:
    """The councils of a finished conversion's two schools (none unless it is done)."""
    job = session.get(SchoolConversion, job_id)
    if job is None or job.status is not ConversionStatus.DONE:
        return []
    statement = select(Organisation.council_id).where(
        Organisation.id.in_([job.predecessor_id, job.successor_id])
    )
    return sorted({council for council in session.exec(statement) if council is not None})
