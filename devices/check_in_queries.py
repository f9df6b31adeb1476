"""The check-ins' set-based statements: who is due a first or second try today (each one
query over the whole scheme, leaving out what was already sent by NOT EXISTS on check_in or
by its second_sent_on), and the one list of check-ins, scoped to the caller, with each one's
status and whether its device is likely lost, shared by the pages, the API and the CSV.

Likely lost: the family said "no", or did not answer either try, and the device's manager
has not heard from it for STALE_DAYS (or does not manage it at all)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from accounts.models import Organisation
from accounts.scoping import scoped
from devices.models import (
    Allocation,
    CheckIn,
    CheckInAnswer,
    CheckInDate,
    Device,
    DeviceManagement,
    Family,
    OwnerKind,
)
from devices.service.registry import OUT_OF_SERVICE
from dfc.caller import Caller
from dfc.settings import get_settings

SEND_WINDOW_DAYS = 14  # a check-in date still sends this many days on (a missed morning)
STALE_DAYS = 30  # a manager that has not heard from a device this long: it may be gone
DEFAULT_SORT = "-first_sent_on"


class Status(StrEnum):
    WAITING = "waiting"
    YES = "yes"
    NO = "no"
    HELP = "help"
    NO_ANSWER = "no-answer"
    RETURNED = "returned"  # the device came back before anyone answered


@dataclass(frozen=True)
class Filters:
    school_id: int | None = None
    status: Status | None = None
    likely_lost: bool | None = None
    check_in_date_id: int | None = None


TAKES_TEXTS = (
    Family.sms_consent.is_(True),
    Family.phone_number.is_not(None),
    Family.phone_number != "",
)
TEXT_COLUMNS = (
    Family.phone_number,
    Family.preferred_language,
    Device.kind,
    Device.asset_tag,
    Device.model,
    Device.serial_number,
)


def _council_of(holder: Any) -> Any:
    return func.coalesce(holder.council_id, holder.id)


def due_first(today: date) -> Select[Any]:
    """Every device with a family that takes texts, on a check-in date of its school's
    council that fell in the last SEND_WINDOW_DAYS, not yet asked on that date."""
    school = aliased(Organisation)
    return (
        select(
            CheckInDate.id.label("check_in_date_id"),
            CheckInDate.wait_days,
            Allocation.id.label("allocation_id"),
            Allocation.device_id,
            Allocation.family_id,
            Allocation.school_id,
            *TEXT_COLUMNS,
        )
        .select_from(Allocation)
        .join(school, school.id == Allocation.school_id)
        .join(CheckInDate, CheckInDate.council_id == _council_of(school))
        .join(Family, Family.id == Allocation.family_id)
        .join(Device, Device.id == Allocation.device_id)
        .where(
            CheckInDate.sends_on <= today,
            CheckInDate.sends_on > today - timedelta(days=SEND_WINDOW_DAYS),
            Allocation.returned_on.is_(None),
            Allocation.allocated_on <= today,
            Device.status.not_in(OUT_OF_SERVICE),
            Device.owner_kind != OwnerKind.FAMILY,
            *TAKES_TEXTS,
            ~exists().where(
                CheckIn.check_in_date_id == CheckInDate.id,
                CheckIn.allocation_id == Allocation.id,
            ),
        )
        .order_by(Allocation.family_id, Allocation.device_id)
    )


def due_second(today: date) -> Select[Any]:
    """Every check-in nobody answered whose second try is due, its device still out."""
    return (
        select(
            CheckIn.id,
            CheckIn.check_in_date_id,
            CheckIn.family_id,
            CheckIn.school_id,
            CheckIn.device_id,
            CheckInDate.wait_days,
            *TEXT_COLUMNS,
        )
        .join(CheckInDate, CheckInDate.id == CheckIn.check_in_date_id)
        .join(Allocation, Allocation.id == CheckIn.allocation_id)
        .join(Family, Family.id == CheckIn.family_id)
        .join(Device, Device.id == CheckIn.device_id)
        .where(
            CheckIn.answer.is_(None),
            CheckIn.second_sent_on.is_(None),
            CheckIn.second_due_on <= today,
            Allocation.returned_on.is_(None),
            *TAKES_TEXTS,
        )
        .order_by(CheckIn.family_id, CheckIn.device_id)
    )


def open_for_phone(phone: str, since: date) -> Select[Any]:
    """A number's check-ins awaiting an answer, first sent on or after `since`."""
    return (
        select(CheckIn, Family.preferred_language)
        .join(Family, Family.id == CheckIn.family_id)
        .join(Allocation, Allocation.id == CheckIn.allocation_id)
        .where(
            Family.phone_number == phone,
            CheckIn.answer.is_(None),
            CheckIn.first_sent_on >= since,
            Allocation.returned_on.is_(None),
        )
        .order_by(CheckIn.id)
    )


def _stale_before(today: date) -> datetime:
    return datetime.combine(today - timedelta(days=STALE_DAYS), time(), tzinfo=get_settings().zone)


def check_ins(caller: Caller, *, today: date, filters: Filters = Filters()) -> Select[Any]:
    """The check-ins the caller reaches, one row each: the device, its school and family
    (the school's pupil reference, so staff know whom to call), the date
    asked, both tries, status (waiting, yes, no, help, no-answer, or returned before an
    answer), when answered, the
    ticket an answer opened, the manager's last check-in and whether it is likely lost."""
    no_answer = and_(
        CheckIn.answer.is_(None), CheckIn.no_answer_on.is_not(None), CheckIn.no_answer_on <= today
    )
    status = case(
        (CheckIn.answer.is_not(None), CheckIn.answer),
        (Allocation.returned_on.is_not(None), literal(Status.RETURNED.value)),
        (no_answer, literal(Status.NO_ANSWER.value)),
        else_=literal(Status.WAITING.value),
    )
    likely_lost = and_(
        or_(CheckIn.answer == CheckInAnswer.NO, no_answer),
        Allocation.returned_on.is_(None),
        or_(
            DeviceManagement.last_check_in_at.is_(None),
            DeviceManagement.last_check_in_at < _stale_before(today),
        ),
    )
    inner = (
        select(
            CheckIn.id,
            CheckIn.check_in_date_id,
            CheckInDate.label.label("term"),
            CheckIn.device_id,
            Device.serial_number,
            CheckIn.school_id,
            CheckIn.family_id,
            Family.pupil_reference,
            CheckIn.first_sent_on,
            CheckIn.second_sent_on,
            status.label("status"),
            CheckIn.answered_at,
            CheckIn.ticket_id,
            DeviceManagement.last_check_in_at,
            case((likely_lost, True), else_=False).label("likely_lost"),
        )
        .join(CheckInDate, CheckInDate.id == CheckIn.check_in_date_id)
        .join(Device, Device.id == CheckIn.device_id)
        .join(Family, Family.id == CheckIn.family_id)
        .join(Allocation, Allocation.id == CheckIn.allocation_id)
        .outerjoin(DeviceManagement, DeviceManagement.device_id == CheckIn.device_id)
    )
    inner = scoped(inner, caller, CheckIn.school_id)
    if filters.school_id is not None:
        inner = inner.where(CheckIn.school_id == filters.school_id)
    if filters.check_in_date_id is not None:
        inner = inner.where(CheckIn.check_in_date_id == filters.check_in_date_id)
    found = inner.subquery("check_ins")
    statement = select(*found.c)
    if filters.status is not None:
        statement = statement.where(found.c.status == filters.status.value)
    if filters.likely_lost is not None:
        statement = statement.where(found.c.likely_lost.is_(filters.likely_lost))
    return statement
