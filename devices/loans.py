"""The one rule for the loans lists, as one set-based statement scoped to the caller, shared
by the page, the API and its CSV: every open allocation with its next date (the earlier of
review and return), whether that date is past or within SOON_DAYS, and where its agreement
stands (accepted; asked by a link still live; or none, which includes declined)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, case, exists, func, literal, select

from accounts.scoping import scoped
from devices.models import (
    AcceptanceAnswer,
    AcceptancePurpose,
    Allocation,
    Device,
    Family,
    FamilyAcceptance,
)
from dfc.caller import Caller

SOON_DAYS = 7
DEFAULT_SORT = "next_date"


class DueState(StrEnum):
    OVERDUE = "overdue"  # the review or return date has passed
    SOON = "soon"  # within SOON_DAYS, today included
    LATER = "later"
    NONE = "none"  # no dates set


class AgreementState(StrEnum):
    ACCEPTED = "accepted"
    ASKED = "asked"  # a link is waiting for the family's answer
    NONE = "none"  # not asked, declined, or the link expired


@dataclass(frozen=True)
class Filters:
    school_id: int | None = None
    due: DueState | None = None
    agreement: AgreementState | None = None


def next_date() -> Any:
    """The earlier of the loan's review and return dates (NULL when neither is set)."""
    review, back = Allocation.review_on, Allocation.return_by
    return case(
        (review.is_(None), back),
        (back.is_(None), review),
        (review <= back, review),
        else_=back,
    )


def _agreement(now: datetime) -> Any:
    def answered(*conditions: Any) -> Any:
        return exists().where(
            FamilyAcceptance.device_id == Allocation.device_id,
            FamilyAcceptance.family_id == Allocation.family_id,
            FamilyAcceptance.purpose == AcceptancePurpose.LOAN,
            *conditions,
        )

    return case(
        (answered(FamilyAcceptance.answer == AcceptanceAnswer.ACCEPTED), literal("accepted")),
        (
            answered(FamilyAcceptance.answer.is_(None), FamilyAcceptance.expires_at > now),
            literal("asked"),
        ),
        else_=literal("none"),
    )


def _due(when: Any, today: date) -> Any:
    return case(
        (when.is_(None), literal("none")),
        (when < today, literal("overdue")),
        (when <= today + timedelta(days=SOON_DAYS), literal("soon")),
        else_=literal("later"),
    )


def loans(
    caller: Caller, *, today: date, now: datetime, filters: Filters = Filters()
) -> Select[Any]:
    """The caller's open loans, one row each."""
    when = next_date()
    due = _due(when, today)
    agreement = _agreement(now)
    statement = (
        select(
            Allocation.id.label("allocation_id"),
            Allocation.device_id,
            func.coalesce(Device.asset_tag, Device.serial_number).label("device"),
            Allocation.school_id,
            Allocation.family_id,
            Family.pupil_reference,
            Allocation.dongle_id,
            Allocation.allocated_on,
            Allocation.review_on,
            Allocation.return_by,
            when.label("next_date"),
            due.label("due"),
            agreement.label("agreement"),
        )
        .join(Device, Device.id == Allocation.device_id)
        .join(Family, Family.id == Allocation.family_id)
        .where(Allocation.returned_on.is_(None))
    )
    statement = scoped(statement, caller, Allocation.school_id)
    if filters.school_id is not None:
        statement = statement.where(Allocation.school_id == filters.school_id)
    if filters.due is not None:
        statement = statement.where(due == filters.due.value)
    if filters.agreement is not None:
        statement = statement.where(agreement == filters.agreement.value)
    return statement
