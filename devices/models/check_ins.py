""" "Still have it?" check-ins: the days a council asks its families each term whether the
child still has their device and whether it works, and each device's check-in on such a
day, its two tries and the family's answer."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.columns import fk
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class CheckInAnswer(StrEnum):
    YES = "yes"  # the child has it and it works
    NO = "no"  # the child no longer has it, or it does not work
    HELP = "help"  # it needs fixing


class CheckInDate(SQLModel, table=True):
    """A day a council's families are asked (termly, set by the council), and how many days
    the service waits for an answer before the second try and again before the school's
    list of families who did not answer."""

    __tablename__ = "check_in_date"
    __table_args__ = (UniqueConstraint("council_id", "sends_on"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    council_id: int = Field(
        sa_column=not_personal().on(fk("organisation.id", ondelete="CASCADE", index=False))
    )
    sends_on: date = Field(**not_personal())
    label: str = Field(max_length=100, description="e.g. Spring term 2027", **not_personal())
    wait_days: int = Field(
        default=7, ge=1, le=28, description="days before the second try", **not_personal()
    )
    created_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class CheckIn(SQLModel, table=True):
    """One device with a family, asked on one check-in date. `second_due_on` is when the
    second try goes if nobody answered; `no_answer_on` (set with the second try) is when an
    unanswered check-in joins the school's list. Dates are London days, so the lists and the
    daily job compare plain dates."""

    __tablename__ = "check_in"
    __table_args__ = (
        UniqueConstraint("check_in_date_id", "allocation_id"),
        Index("ix_check_in_open", "answer", "second_due_on"),
        Index("ix_check_in_school_first_sent", "school_id", "first_sent_on"),
    )

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    check_in_date_id: int = Field(
        sa_column=not_personal().on(fk("check_in_date.id", ondelete="CASCADE", index=False))
    )
    allocation_id: int = Field(sa_column=not_personal().on(fk("allocation.id")))
    device_id: int = Field(sa_column=not_personal().on(fk("device.id")))
    family_id: int = Field(
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(fk("family.id"))
    )
    school_id: int = Field(sa_column=not_personal().on(fk("organisation.id", index=False)))
    first_sent_on: date = Field(**not_personal())
    second_due_on: date = Field(**not_personal())
    second_sent_on: date | None = Field(default=None, **not_personal())
    no_answer_on: date | None = Field(default=None, **not_personal())
    answer: CheckInAnswer | None = Field(
        default=None,
        sa_type=string_enum(CheckInAnswer),
        **personal(
            DataCategory.PREFERENCE,
            retention="family-profile",
            note="whether the child still has the device and it works, as the family answered",
        ),
    )
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    answer_sid: str | None = Field(
        default=None,
        max_length=64,
        index=True,
        **not_personal("the provider's id for the answering text: a replay answers nothing"),
    )
    ticket_id: int | None = Field(
        default=None,
        description="the ticket a no or help answer opened or joined",
        **not_personal(),
    )
