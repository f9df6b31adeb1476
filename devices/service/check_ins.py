"""Check-ins: a council's check-in dates (set by its officers, one a term or as they
choose), and a family's answer to a check-in text, recorded on every check-in they have
open (the desk, above the register, turns a "no" or "help" into a ticket)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, Field, field_validator
from sqlalchemy import exists, func, update
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from accounts.scoping import among_ids
from devices import check_in_queries
from devices.check_in_queries import Filters
from devices.check_in_words import read_answer
from devices.models import CheckIn, CheckInAnswer, CheckInDate
from devices.service.access import actor
from dfc import clock
from dfc.audit.models import AuditAction, SubjectType
from dfc.audit.seen import Where
from dfc.audit.writer import record_shown
from dfc.caller import Caller
from dfc.db_types import utcnow
from dfc.errors import Conflict, Forbidden, InvalidInput, NotFound
from dfc.listing import Page
from dfc.paging import Paging, listing

# A reply this long after the first try is an ordinary text, not an answer.
ANSWER_DAYS = 60


class CheckInDateIn(BaseModel):
    """The form and API body for a new check-in date."""

    sends_on: date
    label: str = Field(min_length=1, max_length=100)
    wait_days: int = Field(default=7, ge=1, le=28)

    @field_validator("label", mode="before")
    @classmethod
    def _trimmed(cls, value: object) -> object:
        return value.strip() if isinstance(value, str) else value


@dataclass(frozen=True)
class Answered:
    """What a family's reply answered: the answer, the check-ins it answered (one per
    device) and the first device, for the ticket a "no" or "help" opens."""

    answer: CheckInAnswer
    check_in_ids: list[int]
    device_id: int
    language: str


def list_check_ins(
    session: Session, *, caller: Caller, paging: Paging, filters: Filters, seen: Where
) -> Page[Any] | Response:
    """A page of the caller's check-ins (or every one, as CSV), recorded as read (or
    exported) in the access audit: each row names a family by its pupil reference."""
    statement = check_in_queries.check_ins(caller, today=clock.today(), filters=filters)
    columns = {column.name: column for column in statement.selected_columns}
    found = listing(
        session,
        statement,
        paging,
        sortable=columns,
        default_sort=check_in_queries.DEFAULT_SORT,
        columns=list(columns),
        filename="check-ins.csv",
    )
    if isinstance(found, Response):
        exported = statement.subquery()
        families = set(session.scalars(select(exported.c.family_id).distinct()))
        record_shown(
            session,
            caller,
            seen,
            action=AuditAction.EXPORT,
            subject_type=SubjectType.FAMILY,
            subjects=families,
        )
    else:
        shown = {row.family_id for row in found.items}
        record_shown(session, caller, seen, subject_type=SubjectType.FAMILY, subjects=shown)
    return found


def _require_officer(caller: Caller, council: Organisation) -> None:
    own = caller.organisation_id == council.id and caller.has_role(Role.COUNCIL_OFFICER)
    if not (own or caller.has_role(Role.SCHEME_ADMIN)):
        raise Forbidden("Only the council's officers set its check-in dates")


def dates_of(session: Session, council_id: int) -> list[CheckInDate]:
    statement = select(CheckInDate).where(CheckInDate.council_id == council_id)
    return list(session.exec(statement.order_by(CheckInDate.sends_on)).all())


def sent_counts(session: Session, date_ids: list[int]) -> dict[int, int]:
    """How many devices each date has asked about so far."""
    if not date_ids:
        return {}
    statement = (
        select(CheckIn.check_in_date_id, func.count())
        .where(among_ids(CheckIn.check_in_date_id, date_ids))
        .group_by(CheckIn.check_in_date_id)
    )
    return dict(session.exec(statement).all())


def add_date(
    session: Session, *, caller: Caller, council: Organisation, date_in: CheckInDateIn
) -> CheckInDate:
    """A new check-in date for the council: today or later, one a day."""
    _require_officer(caller, council)
    if date_in.sends_on < clock.today():
        raise InvalidInput("Choose today or a later date", field="sends_on")
    taken = select(CheckInDate.id).where(
        CheckInDate.council_id == council.id, CheckInDate.sends_on == date_in.sends_on
    )
    if session.exec(taken).first() is not None:
        raise Conflict(f"{council.name} already has a check-in on {date_in.sends_on:%d %B %Y}")
    saved = CheckInDate(council_id=council.id, created_by=actor(caller), **date_in.model_dump())
    session.add(saved)
    session.flush()
    return saved


def remove_date(session: Session, *, caller: Caller, council: Organisation, date_id: int) -> None:
    """Takes a date off the council's calendar, until its first texts have gone."""
    _require_officer(caller, council)
    saved = session.get(CheckInDate, date_id)
    if saved is None or saved.council_id != council.id:
        raise NotFound(f"Check-in date {date_id} not found")
    if session.exec(select(exists().where(CheckIn.check_in_date_id == date_id))).one():
        raise Conflict(f"The check-in of {saved.sends_on:%d %B %Y} has been sent; it stays")
    session.delete(saved)
    session.flush()


def answered_by(session: Session, provider_sid: str | None) -> bool:
    """A text with this provider id already answered a check-in (a replayed webhook)."""
    if not provider_sid:
        return False
    statement = select(exists().where(CheckIn.answer_sid == provider_sid))
    return bool(session.exec(statement).one())


def record_answer(
    session: Session,
    *,
    phone: str,
    body: str,
    provider_sid: str | None = None,
    now: datetime | None = None,
) -> Answered | None:
    """A family's text, if it answers their open check-ins (yes, no or help in English or
    their language), recorded on each of them; None for any other text, or a number with
    no check-in open."""
    now = now or utcnow()
    since = clock.today() - timedelta(days=ANSWER_DAYS)
    found = session.exec(check_in_queries.open_for_phone(phone, since)).all()
    if not found:
        return None
    languages = tuple(dict.fromkeys(language for _check_in, language in found))
    answer = read_answer(body, languages)
    if answer is None:
        return None
    ids = [check_in.id for check_in, _language in found]
    session.execute(
        update(CheckIn)
        .where(among_ids(CheckIn.id, ids))
        .values(answer=answer, answered_at=now, answer_sid=provider_sid)
        .execution_options(synchronize_session=False)
    )
    first, language = found[0]
    return Answered(answer, ids, first.device_id, language)


def link_ticket(session: Session, check_in_ids: list[int], ticket_id: int) -> None:
    """The ticket a "no" or "help" opened or joined, shown beside the check-ins."""
    session.execute(
        update(CheckIn)
        .where(among_ids(CheckIn.id, check_in_ids))
        .values(ticket_id=ticket_id)
        .execution_options(synchronize_session=False)
    )
