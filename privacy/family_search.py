"""Finding a family for subject access or erasure: by phone number (on the family or on a
ticket linked to it) or pupil reference, within the officer's reach; every search is
recorded in the access audit, one that found nobody too (someone looked)."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlmodel import Session

from accounts.models import Organisation
from devices.models import Family
from devices.phone import to_e164
from devices.service.families import visible_families
from dfc.audit.models import AuditAction, SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import commit_audit, record_shown, record_unmatched_search
from dfc.caller import Caller
from dfc.errors import InvalidInput
from privacy.subject_access import require_officer
from support.models import Ticket


@dataclass(frozen=True)
class Search:
    phone: str | None = None
    pupil_reference: str | None = None
    school_id: int | None = None


def search_families(
    session: Session, *, caller: Caller, search: Search, seen: Where
) -> list[dict[str, Any]]:
    """The families found, each with its school's name; the search is recorded in the
    audit with every family it found, or with none when it found nobody (someone looked)."""
    if search.phone and search.pupil_reference:
        raise InvalidInput("Search by phone number or by pupil reference, not both", field="phone")
    results = search_results(session, find_families(caller, search))
    if results:
        record_shown(
            session,
            caller,
            seen,
            action=AuditAction.SEARCH,
            subject_type=SubjectType.FAMILY,
            subjects=[row["id"] for row in results],
        )
    else:
        record_unmatched_search(session, caller, seen)
        commit_audit(session)
    return results


def normalised_phone(text: str) -> str:
    """Any way of writing a UK (or international) number, as stored: E.164."""
    try:
        return to_e164(text)
    except ValueError as wrong:
        raise InvalidInput(
            f"{wrong}; enter a phone number like 07700 900 982", field="phone"
        ) from None


def find_families(caller: Caller, search: Search) -> Select[Any]:
    """Families the caller reaches with that phone number (on the family or on a ticket
    linked to it) or that pupil reference (at that school, when one is given)."""
    require_officer(caller)
    statement = visible_families(caller)
    if search.phone:
        phone = normalised_phone(search.phone)
        on_tickets = select(Ticket.family_id).where(
            Ticket.phone_number == phone, Ticket.family_id.is_not(None)
        )
        return statement.where(or_(Family.phone_number == phone, Family.id.in_(on_tickets)))
    reference = (search.pupil_reference or "").strip()
    if not reference:
        raise InvalidInput("Enter a phone number or a pupil reference", field="phone")
    statement = statement.where(Family.pupil_reference == reference)
    if search.school_id is not None:
        statement = statement.where(Family.school_id == search.school_id)
    return statement


def search_results(session: Session, statement: Select[Any]) -> list[dict[str, Any]]:
    """Each family found with its school's name, for choosing one."""
    found = statement.with_only_columns(
        Family.id, Family.pupil_reference, Family.school_id, Organisation.name.label("school")
    ).join(Organisation, Organisation.id == Family.school_id)
    return [dict(row._mapping) for row in session.execute(found.order_by(Family.id))]
