"""Incidents: damage, loss and theft recorded with what happened, references, the warranty
claim, disabling in the device's manager, and a council's charge and its waiver. Recording
a loss or theft also reports the device missing; a damaged one may go to repair at once.
There is no charge to families by default: only a council officer records one."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

from accounts.models import Organisation, Role
from accounts.scoping import scoped
from devices.errors import IllegalTransition
from devices.incident_schemas import ChargeCreate, ChargeWaiver, IncidentCreate, IncidentUpdate
from devices.models import (
    Device,
    DeviceManagement,
    DeviceStatus,
    Incident,
    IncidentKind,
    IncidentStatus,
    OwnerKind,
    WarrantyStatus,
)
from devices.service import events, lifecycle
from devices.service.access import actor, get_scoped, require_writer
from devices.service.registry import get_device
from dfc.caller import Caller
from dfc.clock import today
from dfc.errors import Conflict, Forbidden, InvalidInput
from notifications.models import Audience, Channel
from notifications.outbox import Recipient, enqueue
from notifications.templates import Template, register

THEFT_TEMPLATE = "incident-theft"
MISSING = {IncidentKind.LOSS: False, IncidentKind.THEFT: True}  # kind: stolen?
SORTABLE = {
    "id": Incident.id,
    "happened_on": Incident.happened_on,
    "kind": Incident.kind,
    "status": Incident.status,
    "warranty_status": Incident.warranty_status,
}

register(
    {
        THEFT_TEMPLATE: Template(
            Audience.STAFF,
            "%(items)s",
            subject="Devices for Children: device %(serial)s reported stolen",
            translated=False,
        )
    }
)


@dataclass(frozen=True)
class IncidentFilters:
    kind: IncidentKind | None = None
    status: IncidentStatus | None = None
    school_id: int | None = None
    device_id: int | None = None
    family_id: int | None = None
    warranty_status: WarrantyStatus | None = None
    charged: bool | None = None
    happened_from: date | None = None
    happened_to: date | None = None


def visible_incidents(caller: Caller, filters: IncidentFilters) -> SelectOfScalar[Incident]:
    """The incidents of the organisations the caller reaches, filtered."""
    statement = scoped(select(Incident), caller, Incident.holder_id)
    for column, value in (
        (Incident.kind, filters.kind),
        (Incident.status, filters.status),
        (Incident.holder_id, filters.school_id),
        (Incident.device_id, filters.device_id),
        (Incident.family_id, filters.family_id),
        (Incident.warranty_status, filters.warranty_status),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if filters.charged is True:
        statement = statement.where(Incident.charge_pence.is_not(None))
    if filters.charged is False:
        statement = statement.where(Incident.charge_pence.is_(None))
    if filters.happened_from:
        statement = statement.where(Incident.happened_on >= filters.happened_from)
    if filters.happened_to:
        statement = statement.where(Incident.happened_on <= filters.happened_to)
    return statement


def count_for_family(session: Session, caller: Caller, family_id: int) -> int:
    """How many incidents the family had, of those the caller reaches."""
    listed = visible_incidents(caller, IncidentFilters(family_id=family_id)).subquery()
    return int(session.execute(select(func.count()).select_from(listed)).scalar_one())


def get_incident(session: Session, *, caller: Caller, incident_id: int) -> Incident:
    return get_scoped(session, caller, Incident, incident_id, Incident.holder_id, "incident")


def of_device(session: Session, device: Device) -> list[Incident]:
    """A device's incidents (the caller already reaches the device), as its own or as a
    loaner, newest first."""
    statement = select(Incident).where(
        (Incident.device_id == device.id) | (Incident.loaner_device_id == device.id)
    )
    return list(session.exec(statement.order_by(Incident.happened_on.desc(), Incident.id.desc())))


def require_open(incident: Incident) -> None:
    if incident.status is IncidentStatus.CLOSED:
        raise IllegalTransition(f"Incident {incident.id} is closed; it cannot change now")


def _require_day(on: date, field: str, *, after: date | None = None) -> None:
    if on > today():
        raise InvalidInput("The date must be today or in the past", field=field)
    if after and on < after:
        raise InvalidInput(f"The date is before {after.isoformat()}", field=field)


def record_incident(session: Session, *, caller: Caller, incident_in: IncidentCreate) -> Incident:
    """Records the incident against the device and the family that had it; a loss or theft
    reports the device missing (the family's allocation ends)."""
    require_writer(caller)
    device = get_device(session, caller=caller, device_id=incident_in.device_id)
    _require_day(incident_in.happened_on, "happened_on", after=device.received_on)
    already = session.exec(
        select(Incident.id).where(
            Incident.device_id == device.id, Incident.status == IncidentStatus.OPEN
        )
    ).first()
    if already is not None:
        raise Conflict(
            f"Device {device.serial_number} has an open incident ({already}): add to it, or "
            "close it first",
            field="device_id",
        )
    if incident_in.send_to_repair and incident_in.kind is not IncidentKind.DAMAGE:
        raise InvalidInput("Only a damaged device goes to repair", field="send_to_repair")
    allocation = lifecycle.open_allocation(session, device)
    family_id = allocation.family_id if allocation else None
    if device.owner_kind is OwnerKind.FAMILY:
        family_id = device.owner_family_id
    values = incident_in.model_dump(exclude={"send_to_repair"})
    incident = Incident(
        **values, holder_id=device.holder_id, family_id=family_id, recorded_by=actor(caller)
    )
    session.add(incident)
    session.flush()
    if incident.kind in MISSING and device.status not in (DeviceStatus.LOST, DeviceStatus.STOLEN):
        lifecycle.report_missing(
            session,
            caller=caller,
            device_id=device.id,
            on=incident.happened_on,
            stolen=MISSING[incident.kind],
        )
    if incident_in.send_to_repair:
        lifecycle.send_to_repair(session, caller=caller, device_id=device.id, on=today())
    _event(session, caller, device, "incident-recorded", incident, kind=incident.kind.value)
    if incident.kind is IncidentKind.THEFT:
        _tell_safeguarding_lead(session, device, incident)
    session.flush()
    return incident


def _event(
    session: Session, caller: Caller, device: Device, action: str, incident: Incident, **more
) -> None:
    before = events.snapshot(device)
    events.record(
        session,
        device=device,
        caller=caller,
        action=action,
        before=before,
        after=before,
        incident_id=incident.id,
        **more,
    )


def _tell_safeguarding_lead(session: Session, device: Device, incident: Incident) -> None:
    """A stolen device may still be enrolled and filtered by the council: its safeguarding
    lead hears at once (through the outbox), to have it disabled and to answer the police."""
    from devices.service.safeguarding import lead_of  # safeguarding imports lifecycle's peers

    holder = session.get(Organisation, device.holder_id)
    council_id = holder.council_id or holder.id if holder else None
    lead = lead_of(session, council_id) if council_id else None
    if lead is None:
        return
    lines = [
        f"Device {device.serial_number} ({device.make} {device.model}), held by "
        f"{holder.name}, was reported stolen on {incident.happened_on.isoformat()}.",
        f"Crime reference: {incident.crime_reference or 'not given yet'}.",
        "Disable it in its manager (Intune or Google Admin) and record that on the incident.",
    ]
    enqueue(
        session,
        key=f"incident-theft:incident-{incident.id}",
        template=THEFT_TEMPLATE,
        recipient=Recipient(Channel.EMAIL, lead.email, "en", council_id),
        context={"serial": device.serial_number, "items": "\n".join(lines)},
    )


def update_incident(
    session: Session, *, caller: Caller, incident_id: int, changes: IncidentUpdate
) -> Incident:
    """References, the responsible party and the warranty claim as they become known; a
    claim needs its supplier, and every change of its status is dated."""
    require_writer(caller)
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    require_open(incident)
    given = changes.model_dump(exclude_unset=True)
    for name, value in given.items():
        if value is None and name in ("description", "responsible_party", "warranty_status"):
            raise InvalidInput(f"{name} cannot be empty", field=name)
        setattr(incident, name, value)
    if incident.warranty_status is not WarrantyStatus.NONE and not incident.warranty_supplier:
        raise InvalidInput("Name the supplier the claim is with", field="warranty_supplier")
    if "warranty_status" in given:
        incident.warranty_updated_on = today()
        if incident.warranty_claimed_on is None and incident.warranty_status in (
            WarrantyStatus.CLAIMED,
            WarrantyStatus.ACCEPTED,
            WarrantyStatus.REJECTED,
            WarrantyStatus.SETTLED,
        ):
            incident.warranty_claimed_on = today()
    session.add(incident)
    session.flush()
    return incident


def disable_in_manager(session: Session, *, caller: Caller, incident_id: int, on: date) -> Incident:
    """Staff disabled (locked) the device in Intune or Google Admin: recorded on the incident
    and in the device's history, naming the manager the register knows."""
    require_writer(caller)
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    require_open(incident)
    if incident.disabled_in_manager_on is not None:
        raise Conflict(
            f"Already recorded as disabled on {incident.disabled_in_manager_on.isoformat()} "
            f"by {incident.disabled_by}"
        )
    _require_day(on, "on", after=incident.happened_on)
    device = session.get(Device, incident.device_id)
    managed = session.exec(
        select(DeviceManagement.manager).where(DeviceManagement.device_id == device.id)
    ).first()
    incident.disabled_in_manager_on, incident.disabled_by = on, actor(caller)
    session.add(incident)
    _event(
        session,
        caller,
        device,
        "disabled-in-manager",
        incident,
        on=on,
        manager=managed.value if managed else "unknown",
    )
    session.flush()
    return incident


def _require_council_officer(caller: Caller, what: str) -> None:
    if not caller.has_role(Role.COUNCIL_OFFICER):
        raise Forbidden(
            f"Only a council officer may {what}: families are not charged unless their "
            "council decides to"
        )


def charge_family(
    session: Session, *, caller: Caller, incident_id: int, charge_in: ChargeCreate
) -> Incident:
    """A council's charge to the family for the incident, with its reason."""
    _require_council_officer(caller, "record a charge")
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    if incident.family_id is None:
        raise Conflict("No family had the device: there is nobody to charge")
    if incident.charge_pence is not None and incident.waived_on is None:
        raise Conflict(f"The family is already charged for incident {incident.id}")
    _require_day(charge_in.on, "on", after=incident.happened_on)
    incident.charge_pence, incident.charge_reason = charge_in.amount_pence, charge_in.reason
    incident.charged_on, incident.charged_by = charge_in.on, actor(caller)
    incident.waived_on = incident.waived_by = incident.waiver_reason = None
    session.add(incident)
    session.flush()
    return incident


def waive_charge(
    session: Session, *, caller: Caller, incident_id: int, waiver_in: ChargeWaiver
) -> Incident:
    """The council waives its charge, recording who waived it, when and why."""
    _require_council_officer(caller, "waive a charge")
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    if incident.charge_pence is None:
        raise Conflict(f"Incident {incident.id} has no charge to waive")
    if incident.waived_on is not None:
        raise Conflict(f"The charge was waived already, by {incident.waived_by}")
    _require_day(waiver_in.on, "on", after=incident.charged_on)
    incident.waived_on, incident.waived_by = waiver_in.on, actor(caller)
    incident.waiver_reason = waiver_in.reason
    session.add(incident)
    session.flush()
    return incident


def close_incident(session: Session, *, caller: Caller, incident_id: int, on: date) -> Incident:
    """Done with: never while a loaner is still out with the family."""
    require_writer(caller)
    incident = get_incident(session, caller=caller, incident_id=incident_id)
    require_open(incident)
    if incident.loaner_device_id is not None and incident.loaner_returned_on is None:
        raise Conflict("The loaner is still with the family: swap it back first")
    _require_day(on, "on", after=incident.happened_on)
    incident.status, incident.closed_on = IncidentStatus.CLOSED, on
    session.add(incident)
    device = session.get(Device, incident.device_id)
    _event(session, caller, device, "incident-closed", incident, on=on)
    session.flush()
    return incident
