"""The register's retention rules (see privacy.retention): families' contact details
(family-contact) and uploaded files left behind (import-file).

A family is erased, not deleted: its row, allocations, transfers and device history stay so
every figure stays the same, but nothing left in them identifies the family.
"""

from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    ColumnElement,
    Select,
    String,
    and_,
    cast,
    exists,
    func,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Session

from devices.incident_retention import erase_incidents
from devices.models import (
    Allocation,
    Device,
    DeviceEvent,
    DeviceManagement,
    Family,
    FamilyMove,
    ImportJob,
    OwnershipTransfer,
    SimLoan,
)
from devices.models.ownership import OwnerKind
from devices.service.uplifts import erase_uplifts

if TYPE_CHECKING:
    from dfc.personal_data.cutoff import Cutoff

ERASED_PREFIX = "ERASED-"  # the same token privacy.erasure writes
TRANSFER_ACTION = "ownership-transferred"
_SYNC = {"synchronize_session": False}


def _handed_over(family_id: ColumnElement, device_id: ColumnElement) -> ColumnElement[bool]:
    """The allocation's device was handed over to that family: nothing is still out."""
    return exists().where(
        OwnershipTransfer.device_id == device_id,
        OwnershipTransfer.to_kind == OwnerKind.FAMILY,
        OwnershipTransfer.to_family_id == family_id,
    )


def families_due(cutoff: "Cutoff") -> Select:
    """Families not yet erased with nothing out and no allocation returned or device handed
    over on or after the cutoff. The desk's own condition (no open ticket, none closed since)
    is added by privacy.retention, which sits above both."""
    device_still_out_or_recent = exists().where(
        Allocation.family_id == Family.id,
        or_(
            and_(
                Allocation.returned_on.is_(None),
                ~_handed_over(Allocation.family_id, Allocation.device_id),
            ),
            Allocation.returned_on >= cutoff.on,
        ),
    )
    sim_still_out_or_recent = exists().where(
        SimLoan.family_id == Family.id,
        or_(SimLoan.returned_on.is_(None), SimLoan.returned_on >= cutoff.on),
    )
    handed_over_recently = exists().where(
        OwnershipTransfer.to_family_id == Family.id,
        OwnershipTransfer.transferred_on >= cutoff.on,
    )
    return select(Family.id).where(
        ~Family.pupil_reference.startswith(ERASED_PREFIX, autoescape=True),
        Family.created_at < cutoff.at,
        ~device_still_out_or_recent,
        ~sim_still_out_or_recent,
        ~handed_over_recently,
    )


def _without_acceptance(dialect: str) -> ColumnElement:
    """`after` with its "acceptance" key removed, in each database's JSON dialect."""
    if dialect == "postgresql":
        return cast(cast(DeviceEvent.after, JSONB).op("-")(literal("acceptance")), JSON)
    return func.json_remove(DeviceEvent.after, "$.acceptance")


def erase_families(session: Session, ids: list[int]) -> int:
    """Erase these families' contact details everywhere they are held; the pupil reference
    becomes a token. Their ids, language and allocations stay for the figures."""
    transferred = select(OwnershipTransfer.device_id).where(OwnershipTransfer.to_family_id.in_(ids))
    session.execute(
        update(DeviceEvent)
        .where(
            DeviceEvent.device_id.in_(transferred),
            DeviceEvent.action == TRANSFER_ACTION,
            # Only the hand-over to these families: a device handed on later to another
            # family keeps that family's own record.
            DeviceEvent.after["owner_family_id"].as_integer().in_(ids),
            DeviceEvent.after["acceptance"].as_string().is_not(None),
        )
        .values(after=_without_acceptance(session.get_bind().dialect.name))
        .execution_options(**_SYNC)
    )
    _erase_management_users(session, ids)
    erase_incidents(session, ids)
    erase_uplifts(session, ids)
    session.execute(
        update(FamilyMove)
        .where(FamilyMove.family_id.in_(ids))
        .values(new_pupil_reference=None, reason=None)
        .execution_options(**_SYNC)
    )
    session.execute(
        update(OwnershipTransfer)
        .where(OwnershipTransfer.to_family_id.in_(ids))
        .values(acceptance=None)
        .execution_options(**_SYNC)
    )
    return session.execute(
        update(Family)
        .where(Family.id.in_(ids))
        .values(
            phone_number=None,
            email=None,
            year_group=None,
            sms_consent=False,
            pupil_reference=literal(ERASED_PREFIX) + cast(Family.id, String),
        )
        .execution_options(**_SYNC)
    ).rowcount


def _erase_management_users(session: Session, ids: list[int]) -> None:
    """The user a device manager recorded for the families' devices (Annotated User,
    Primary user UPN), unless the device is now out with another family."""
    theirs = or_(
        DeviceManagement.device_id.in_(
            select(Allocation.device_id).where(Allocation.family_id.in_(ids))
        ),
        DeviceManagement.device_id.in_(select(Device.id).where(Device.owner_family_id.in_(ids))),
    )
    with_another_family = exists().where(
        Allocation.device_id == DeviceManagement.device_id,
        Allocation.returned_on.is_(None),
        Allocation.family_id.not_in(ids),
    )
    session.execute(
        update(DeviceManagement)
        .where(theirs, ~with_another_family, DeviceManagement.primary_user.is_not(None))
        .values(primary_user=None)
        .execution_options(**_SYNC)
    )


def import_files_due(cutoff: "Cutoff") -> Select:
    """Uploaded files still held (a job that never finished) past the cutoff."""
    return select(ImportJob.id).where(
        ImportJob.content.is_not(None), ImportJob.created_at < cutoff.at
    )


def drop_import_files(session: Session, ids: list[int]) -> int:
    return session.execute(
        update(ImportJob)
        .where(ImportJob.id.in_(ids))
        .values(content=None)
        .execution_options(**_SYNC)
    ).rowcount
