"""Erasure on request: a family's personal data anonymised everywhere in one transaction,
and the erasure itself recorded (who, when, on which ground, how many rows of each table;
no personal data).

The rows are exactly those subject access shows (`FamilyRecords`), changed by set-based
statements. Device records, allocations and history stay, linked to the family's id, so the
register's figures do not change. Rows known only by an address (outbox messages, an SMS
opt-out, tickets raised without a family) are left alone when another family holds the same
phone number or email: they may be that family's too, and its opt-out must keep working.
If any statement fails, everything is rolled back and nothing has changed."""

from typing import Any

from sqlalchemy import ColumnElement, Select, case, delete, exists, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from accounts.models import Organisation
from devices import retention as devices_retention
from devices.models import Family, OwnershipTransfer
from dfc.audit.seen import Where
from dfc.audit.writer import record_access, record_shown
from dfc.caller import Caller
from dfc.errors import Conflict, DomainError
from notifications.models import MessageStatus, OutboxMessage, SmsOptOut, TextConsentChange
from notifications.whatsapp_models import TextChannelChoice, WhatsAppWindow
from privacy.models import AuditAction, ErasureReason, ErasureRecord, SubjectType
from privacy.subject_access import FamilyRecords, SubjectAccessExport, family_for_officer, gather
from support import retention as support_retention
from support.media.models import TicketAttachment
from support.models import FollowCode, TicketLanguageChange, TicketMessage

UNSENT = (MessageStatus.PENDING, MessageStatus.HELD, MessageStatus.SENDING)


class ErasureFailed(DomainError):
    status_code = 503
    code = "erasure-failed"


def is_erased(session: Session, family_id: int) -> bool:
    return session.scalar(select(exists().where(ErasureRecord.family_id == family_id))) or False


def address_shared(session: Session, family: Family) -> bool:
    """Whether another family holds this family's phone number or email."""
    addresses = [a for a in (family.phone_number, family.email) if a]
    if not addresses:
        return False
    others = select(Family.id).where(
        Family.id != family.id,
        or_(Family.phone_number.in_(addresses), Family.email.in_(addresses)),
    )
    return session.scalar(select(exists(others))) or False


def preview(
    session: Session, *, caller: Caller, family_id: int, seen: Where
) -> tuple[Family, bool, SubjectAccessExport]:
    """What erasing the family would remove, for the officer to confirm: the family, whether
    another family shares its phone or email (then records found by address stay), and its
    records. Recorded in the audit as a read."""
    family = family_for_officer(session, caller=caller, family_id=family_id)
    shared = address_shared(session, family)
    export = gather(session, caller=caller, family=family, by_address=not shared)
    record_shown(session, caller, seen, subject_type=SubjectType.FAMILY, subjects=[family.id])
    return family, shared, export


def _count(session: Session, statement: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(statement.subquery())) or 0


def _delete_follow_codes(session: Session, ticket_ids: list[int]) -> int:
    statement = delete(FollowCode).where(FollowCode.ticket_id.in_(ticket_ids))
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _purge_outbox(session: Session, where: dict[str, ColumnElement[bool]]) -> int:
    """As retention purges a finished message, and a message not yet sent is cancelled."""
    statement = (
        update(OutboxMessage)
        .where(where["outbox_message"])
        .values(
            recipient="",
            subject=None,
            body="",
            error=None,
            variables=None,
            status=case(
                (OutboxMessage.status.in_(UNSENT), MessageStatus.CANCELLED.value),
                else_=OutboxMessage.status,
            ),
        )
    )
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _delete_opt_out(session: Session, where: dict[str, ColumnElement[bool]]) -> int:
    statement = delete(SmsOptOut).where(where["sms_opt_out"])
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _delete_consent_history(session: Session, where: dict[str, ColumnElement[bool]]) -> int:
    statement = delete(TextConsentChange).where(where["text_consent_change"])
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _delete_by_phone(session: Session, model: Any, condition: ColumnElement[bool]) -> int:
    """The number's channel choice or WhatsApp window (kept if another family shares it)."""
    statement = delete(model).where(condition)
    return session.execute(statement.execution_options(synchronize_session=False)).rowcount


def _anonymise(session: Session, family_id: int, records: FamilyRecords) -> dict[str, Any]:
    """Every step, in order, with the rows each changed. The tickets are found (by family
    and by phone) before they lose their phone number, and the family is erased last since
    the other rows are found by its id and address. The ticket text and the family use
    the retention rules' own statements, so erasure and retention erase alike."""
    where = records.where()
    ticket_ids = list(session.scalars(records.ticket_ids()))
    counts: dict[str, Any] = {
        "ticket_message": _count(
            session,
            select(TicketMessage.id).where(
                TicketMessage.ticket_id.in_(ticket_ids),
                TicketMessage.body != support_retention.REMOVED_TEXT,
            ),
        ),
        "ticket_language_change": _count(
            session,
            select(TicketLanguageChange.id).where(
                TicketLanguageChange.ticket_id.in_(ticket_ids),
                TicketLanguageChange.reason != support_retention.REMOVED_TEXT,
            ),
        ),
        "ticket_follow_code": _delete_follow_codes(session, ticket_ids),
        # The files are deleted from storage at once: an erasure that then fails leaves
        # rows pointing at files already gone (shown as no longer stored), never a photo kept.
        "ticket_attachment": support_retention.remove_files(
            session,
            list(
                session.scalars(
                    select(TicketAttachment.id).where(TicketAttachment.ticket_id.in_(ticket_ids))
                )
            ),
        ),
        "ticket": support_retention.remove_ticket_text(session, ticket_ids),
        "outbox_message": _purge_outbox(session, where),
        "sms_opt_out": _delete_opt_out(session, where),
        "text_consent_change": _delete_consent_history(session, where),
        "text_channel_choice": _delete_by_phone(
            session, TextChannelChoice, where["text_channel_choice"]
        ),
        "whatsapp_window": _delete_by_phone(session, WhatsAppWindow, where["whatsapp_window"]),
        "ownership_transfer": _count(
            session,
            select(OwnershipTransfer.id).where(
                where["ownership_transfer"], OwnershipTransfer.acceptance.is_not(None)
            ),
        ),
    }
    counts["family"] = devices_retention.erase_families(session, [family_id])
    return counts


def erase_family(
    session: Session,
    *,
    caller: Caller,
    family_id: int,
    reason: ErasureReason,
    case_reference: str | None,
    where: Where,
) -> ErasureRecord:
    """Anonymises the family everywhere and records it; the caller commits. A failure
    rolls the whole transaction back and says that nothing changed."""
    family = family_for_officer(session, caller=caller, family_id=family_id)
    if is_erased(session, family.id):
        raise Conflict(f"Family {family.id} has already been erased")
    shared = address_shared(session, family)
    records = FamilyRecords(family=family, caller=caller, by_address=not shared)
    school = session.get(Organisation, family.school_id)
    try:
        counts = _anonymise(session, family.id, records)
        counts["address_shared_with_another_family"] = shared
        record = ErasureRecord(
            family_id=family.id,
            school_id=family.school_id,
            council_id=school.council_id if school else None,
            erased_by_user_id=caller.user_id,
            erased_by_api_key_id=caller.api_key_id,
            erased_by_name=caller.name[:200],
            reason=reason,
            case_reference=case_reference or None,
            counts=counts,
        )
        session.add(record)
        record_access(
            session,
            caller,
            where,
            action=AuditAction.ERASURE,
            subject_type=SubjectType.FAMILY,
            subjects=[family.id],
        )
        session.flush()
    except SQLAlchemyError:
        session.rollback()
        raise ErasureFailed(
            "The erasure could not be completed, so nothing was changed. Try again; if it "
            "fails again, tell the service's support team."
        ) from None
    session.expire(family)
    return record
