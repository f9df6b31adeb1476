"""Subject access: find a family by phone number or pupil reference, and gather everything
held about it from every table, and nothing about anyone else.

Which columns are exported is read from the privacy marks (`dfc.personal_data.marks`): every column
marked personal (or not yet marked) of each table that holds a family's records, beside a
few columns that give a row its context (its id, dates, status). Staff names are third
parties' data and stay out. Which rows belong to the family is decided here once, and the
erasure (`privacy.erasure`) anonymises exactly these rows."""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, false, or_, select, true
from sqlmodel import Session

from accounts.models import Organisation, OrganisationKind, Role
from accounts.scoping import visible_organisations
from devices.models import (
    Allocation,
    CheckIn,
    Device,
    DeviceEvent,
    DeviceManagement,
    Family,
    FamilyAcceptance,
    FamilyMove,
    HandoverCheck,
    Incident,
    IncidentFile,
    OwnershipTransfer,
    SimLoan,
    UpliftRequest,
)
from devices.service.families import get_family
from dfc.audit.models import AuditAction, SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Forbidden
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import mark_of
from dfc.settings import get_settings
from notifications.models import OutboxMessage, SmsOptOut, TextConsentChange
from notifications.whatsapp_models import TextChannelChoice, WhatsAppWindow
from support.media.models import TicketAttachment
from support.models import FollowCode, Ticket, TicketLanguageChange, TicketMessage

OFFICER_ROLES = (Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER)
THIRD_PARTY = {DataCategory.STAFF}
# Columns that give each row its context beside its personal columns, in the order shown.
CONTEXT: dict[str, tuple[str, ...]] = {
    "family": ("id", "school_id", "created_at"),
    "allocation": (
        "id",
        "device_id",
        "dongle_id",
        "allocated_on",
        "collected_on",
        "returned_on",
        "review_on",
        "return_by",
    ),
    "device": ("id", "serial_number", "kind", "make", "model", "status", "owner_kind"),
    "ownership_transfer": ("id", "device_id", "transferred_on", "accepted_on"),
    "ticket": ("id", "reference", "status", "category", "language", "via", "created_at"),
    "ticket_message": ("id", "ticket_id", "author", "internal", "via", "created_at"),
    "ticket_attachment": (
        "id",
        "ticket_id",
        "message_id",
        "status",
        "content_type",
        "size",
        "reason",
        "created_at",
    ),
    "ticket_follow_code": ("id", "ticket_id", "expires_at", "used_at"),
    "ticket_language_change": (
        "id",
        "ticket_id",
        "from_language",
        "to_language",
        "changed_by",
        "changed_at",
    ),
    "outbox_message": ("id", "channel", "template", "status", "created_at", "sent_at"),
    "sms_opt_out": ("opted_out_at", "how", "channel"),
    "text_consent_change": ("id", "change", "how", "channel", "reason", "changed_at"),
    "text_channel_choice": ("channel", "consent", "recorded_at"),
    "whatsapp_window": ("last_inbound_at",),
    "device_event": ("id", "device_id", "occurred_at", "action"),
    "device_management": ("id", "device_id", "manager", "state", "last_check_in_at"),
    "family_acceptance": ("id", "device_id", "purpose", "terms", "method", "answer", "answered_at"),
    "handover_check": ("id", "device_id", "step", "done_on", "method"),
    "check_in": ("id", "device_id", "first_sent_on", "second_sent_on", "answered_at", "ticket_id"),
    "family_move": ("id", "kind", "status", "from_school_id", "to_school_id", "moves_on"),
    "device_incident": ("id", "device_id", "kind", "status", "happened_on", "loaner_device_id"),
    "device_incident_file": ("id", "incident_id", "content_type", "size", "uploaded_at"),
    "sim_loan": ("id", "sim_id", "plan", "source", "allocated_on", "returned_on"),
    "uplift_request": (
        "id",
        "network_id",
        "contract_type",
        "data_gb",
        "months",
        "status",
        "created_at",
    ),
}
TITLES = {
    "family": "The family",
    "allocation": "Devices lent to the family",
    "device": "The devices",
    "ownership_transfer": "Devices handed over to the family",
    "ticket": "Support tickets",
    "ticket_message": "Messages on those tickets",
    "ticket_attachment": "Photos and files sent with those messages",
    "ticket_follow_code": "Codes sent to follow those tickets",
    "ticket_language_change": "Changes to the language of those tickets",
    "outbox_message": "Messages sent to the family's phone or email",
    "sms_opt_out": "Texts stopped",
    "text_consent_change": "Texts turned off and on",
    "text_channel_choice": "Texts by SMS or WhatsApp, and how the family agreed",
    "whatsapp_window": "When the family last wrote on WhatsApp",
    "device_event": "Device history that names the family",
    "device_management": "The user a device manager (Google Admin, Intune) records for "
    "the family's devices",
    "family_acceptance": "The family's answers to terms (a device to keep, a loan's agreement)",
    "handover_check": "Steps done before a device became the family's (wipe, filtering decision)",
    "check_in": "Texts asking whether the child still has the device, and the family's answers",
    "family_move": "Moves to another school or council",
    "device_incident": "Damage, loss or theft of a device the family had, and any charge",
    "device_incident_file": "Photos and files of those incidents",
    "sim_loan": "SIMs lent to the family for their own phone",
    "uplift_request": "Requests to a mobile network for more data on the family's phone",
}
MODELS = {
    "family": Family,
    "allocation": Allocation,
    "device": Device,
    "ownership_transfer": OwnershipTransfer,
    "ticket": Ticket,
    "ticket_message": TicketMessage,
    "ticket_attachment": TicketAttachment,
    "ticket_follow_code": FollowCode,
    "ticket_language_change": TicketLanguageChange,
    "outbox_message": OutboxMessage,
    "sms_opt_out": SmsOptOut,
    "text_consent_change": TextConsentChange,
    "text_channel_choice": TextChannelChoice,
    "whatsapp_window": WhatsAppWindow,
    "device_event": DeviceEvent,
    "device_management": DeviceManagement,
    "family_acceptance": FamilyAcceptance,
    "handover_check": HandoverCheck,
    "check_in": CheckIn,
    "family_move": FamilyMove,
    "device_incident": Incident,
    "device_incident_file": IncidentFile,
    "sim_loan": SimLoan,
    "uplift_request": UpliftRequest,
}


def require_officer(caller: Caller) -> None:
    if not caller.has_role(*OFFICER_ROLES):
        raise Forbidden("Subject access and erasure are for council officers and scheme admins")


def _reached(caller: Caller, column: Any) -> ColumnElement[bool]:
    if caller.organisation_kind is OrganisationKind.SCHEME:
        return true()
    return column.in_(select(Organisation.id).where(visible_organisations(caller)))


@dataclass(frozen=True)
class FamilyRecords:
    """Which rows of each table are the family's: by its id, and by its phone number and
    email for the rows that only know an address (the outbox, opt-outs, tickets raised
    without a family). `by_address` False leaves the address-only rows out."""

    family: Family
    caller: Caller
    by_address: bool = True

    def addresses(self) -> list[str]:
        if not self.by_address:
            return []
        return [a for a in (self.family.phone_number, self.family.email) if a]

    def tickets(self) -> ColumnElement[bool]:
        linked = Ticket.family_id == self.family.id
        phone = self.family.phone_number
        if not (self.by_address and phone):
            return linked
        unlinked = (
            Ticket.family_id.is_(None)
            & (Ticket.phone_number == phone)
            & _reached(self.caller, Ticket.organisation_id)
        )
        return or_(linked, unlinked)

    def ticket_ids(self) -> Select[Any]:
        return select(Ticket.id).where(self.tickets())

    def where(self) -> dict[str, ColumnElement[bool]]:
        f = self.family.id
        allocated = select(Allocation.device_id).where(Allocation.family_id == f)
        handed_over = select(OwnershipTransfer.device_id).where(OwnershipTransfer.to_family_id == f)
        addresses = self.addresses()
        phone = self.family.phone_number if self.by_address else None
        return {
            "family": Family.id == f,
            "allocation": Allocation.family_id == f,
            "device": or_(
                Device.id.in_(allocated), Device.id.in_(handed_over), Device.owner_family_id == f
            ),
            "ownership_transfer": OwnershipTransfer.to_family_id == f,
            "family_acceptance": FamilyAcceptance.family_id == f,
            "check_in": CheckIn.family_id == f,
            "family_move": FamilyMove.family_id == f,
            "handover_check": HandoverCheck.allocation_id.in_(
                select(Allocation.id).where(Allocation.family_id == f)
            ),
            "device_incident": Incident.family_id == f,
            "device_incident_file": IncidentFile.incident_id.in_(
                select(Incident.id).where(Incident.family_id == f)
            ),
            "sim_loan": SimLoan.family_id == f,
            "uplift_request": UpliftRequest.family_id == f,
            "ticket": self.tickets(),
            "ticket_message": TicketMessage.ticket_id.in_(self.ticket_ids()),
            "ticket_attachment": TicketAttachment.ticket_id.in_(self.ticket_ids()),
            "ticket_follow_code": FollowCode.ticket_id.in_(self.ticket_ids()),
            "ticket_language_change": TicketLanguageChange.ticket_id.in_(self.ticket_ids()),
            "outbox_message": (
                OutboxMessage.recipient.in_(addresses)
                & _reached(self.caller, OutboxMessage.organisation_id)
                if addresses
                else false()
            ),
            "sms_opt_out": SmsOptOut.phone_number == phone if phone else false(),
            "text_consent_change": (TextConsentChange.phone_number == phone if phone else false()),
            "text_channel_choice": (TextChannelChoice.phone_number == phone if phone else false()),
            "whatsapp_window": WhatsAppWindow.phone_number == phone if phone else false(),
            # The manager's user of a device the family has now: a device they gave back
            # may already be another family's, with that family's user.
            "device_management": DeviceManagement.device_id.in_(
                select(Allocation.device_id).where(
                    Allocation.family_id == f, Allocation.returned_on.is_(None)
                )
            )
            | DeviceManagement.device_id.in_(select(Device.id).where(Device.owner_family_id == f)),
            "device_event": or_(
                DeviceEvent.after["family_id"].as_integer() == f,
                DeviceEvent.after["owner_family_id"].as_integer() == f,
                DeviceEvent.before["owner_family_id"].as_integer() == f,
            ),
        }


def exported_columns(table: Table) -> list[str]:
    """The table's context columns, then every column marked personal (or not yet marked)
    except third parties' (staff) data."""
    names = list(CONTEXT.get(table.name, ()))
    for column in table.columns:
        mark = mark_of(column)
        if column.name in names:
            continue
        if mark is None or (mark.personal and mark.category not in THIRD_PARTY):
            names.append(column.name)
    return names


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return f"({len(value)} bytes)"
    return value


@dataclass
class SubjectAccessExport:
    family_id: int
    generated_at: datetime
    generated_by: str
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "family_id": self.family_id,
            "generated_at": self.generated_at.isoformat(),
            "generated_by": self.generated_by,
            "tables": self.tables,
        }


def family_for_officer(session: Session, *, caller: Caller, family_id: int) -> Family:
    """The family, if the caller may run subject access on it; another council's is 404."""
    require_officer(caller)
    return get_family(session, caller=caller, family_id=family_id)


def gather(
    session: Session, *, caller: Caller, family: Family, by_address: bool = True
) -> SubjectAccessExport:
    """Everything held about `family`, table by table, one query per table."""
    export = SubjectAccessExport(
        family_id=family.id or 0, generated_at=utcnow(), generated_by=caller.name
    )
    records = FamilyRecords(family=family, caller=caller, by_address=by_address)
    for name, condition in records.where().items():
        table = MODELS[name].__table__
        columns = [table.c[column] for column in exported_columns(table)]
        key = table.primary_key.columns.values()[0]
        statement = select(*columns).where(condition).order_by(key)
        export.tables[name] = [
            _with_file({column: _plain(value) for column, value in row._mapping.items()})
            if name == "ticket_attachment"
            else {column: _plain(value) for column, value in row._mapping.items()}
            for row in session.execute(statement)
        ]
    return export


def _with_file(row: dict[str, Any]) -> dict[str, Any]:
    """A photo or file row with the address staff open it at: the officer downloads the
    files there to send with the export."""
    stored = row.get("storage_key") is not None and row["status"] == "stored"
    base = get_settings().BASE_URL.rstrip("/")
    row["file"] = f"{base}/tickets/{row['ticket_id']}/files/{row['id']}" if stored else None
    return row


def export_family(
    session: Session, *, caller: Caller, family_id: int, seen: Where, action: AuditAction
) -> tuple[Family, SubjectAccessExport]:
    """Everything held about the family, shown on a page (SUBJECT_ACCESS) or downloaded
    (EXPORT); the access is recorded in the audit before it is returned."""
    family = family_for_officer(session, caller=caller, family_id=family_id)
    export = gather(session, caller=caller, family=family)
    record_shown(
        session, caller, seen, action=action, subject_type=SubjectType.FAMILY, subjects=[family.id]
    )
    return family, export
