"""The outbox (every message the service sends), opt-outs, alert settings and the record of
alerts already raised, so that each fires once."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, literal
from sqlmodel import Field, SQLModel

from dfc.audit.models import SubjectType
from dfc.audit.writer import register_subject
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal


class Channel(StrEnum):
    SMS = "sms"
    WHATSAPP = "whatsapp"
    EMAIL = "email"


class MessageStatus(StrEnum):
    PENDING = "pending"
    HELD = "held"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Audience(StrEnum):
    FAMILY = "family"
    STAFF = "staff"


class OutboxMessage(SQLModel, table=True):
    """One message, written in the same transaction as the event that causes it."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    idempotency_key: str = Field(
        max_length=200, unique=True, **not_personal("made of record ids and dates")
    )
    organisation_id: int | None = Field(
        default=None,
        sa_column=not_personal().on(
            Column(Integer, ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
        ),
    )
    audience: Audience = Field(sa_type=string_enum(Audience), **not_personal())
    channel: Channel = Field(sa_type=string_enum(Channel), index=True, **not_personal())
    recipient: str = Field(
        max_length=254, **personal(DataCategory.CONTACT, retention="outbox-body")
    )
    locale: str = Field(max_length=8, **not_personal())
    template: str = Field(max_length=100, **not_personal())
    subject: str | None = Field(
        default=None, max_length=200, **personal(DataCategory.FREE_TEXT, retention="outbox-body")
    )
    body: str = Field(
        sa_column=personal(DataCategory.FREE_TEXT, retention="outbox-body").on(
            Column(Text, nullable=False)
        )
    )
    variables: str | None = Field(
        default=None,
        sa_column=personal(
            DataCategory.FREE_TEXT,
            retention="outbox-body",
            note="a WhatsApp message's values by position, as JSON, for its approved template",
        ).on(Column(Text, nullable=True)),
    )
    segments: int = Field(default=1, **not_personal())
    encoding: str = Field(default="GSM-7", max_length=8, **not_personal())
    status: MessageStatus = Field(
        default=MessageStatus.PENDING, sa_type=string_enum(MessageStatus), **not_personal()
    )
    attempts: int = Field(default=0, **not_personal())
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    provider_id: str | None = Field(default=None, max_length=64, index=True, **not_personal())
    handed_over_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="when it was last given to the broker; the sweep waits a while before "
        "giving it again, so a queue working through a backlog is not filled twice",
        **not_personal(),
    )
    unconfirmed_attempt_at: datetime | None = Field(
        default=None,
        sa_type=UTCDateTime,
        description="when an attempt began whose outcome the provider never told us (a "
        "timeout, a dropped connection, a worker killed mid-send): ask before sending again",
        **not_personal(),
    )
    outbox_only: bool = Field(
        default=False, description="kept here; no provider was set up", **not_personal()
    )
    error: str | None = Field(
        default=None,
        max_length=500,
        **personal(
            DataCategory.FREE_TEXT,
            retention="outbox-body",
            note="a provider's error may repeat the recipient",
        ),
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())


class SmsOptOut(SQLModel, table=True):
    """A number that has opted out of texts (a keyword such as STOP, or Twilio saying so):
    no more SMS or WhatsApp to it until it opts in again. The history is TextConsentChange."""

    __tablename__ = "sms_opt_out"

    phone_number: str = Field(
        primary_key=True, max_length=16, **personal(DataCategory.CONTACT, retention="opt-out")
    )
    opted_out_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    how: str | None = Field(
        default=None,
        max_length=40,
        description="the keyword the family sent (STOP, QUIT ...) or 'twilio' when Twilio "
        "refused a message because the number opted out with it",
        **not_personal(),
    )
    channel: Channel | None = Field(
        default=None, sa_type=string_enum(Channel), **not_personal("sms or whatsapp")
    )


class ConsentChange(StrEnum):
    OPTED_OUT = "opted-out"
    OPTED_IN = "opted-in"
    LIFTED_BY_STAFF = "lifted-by-staff"


class TextConsentChange(SQLModel, table=True):
    """Every time a number's texts were turned off or on, how, and by whom: the record a
    carrier or a family may ask for."""

    __tablename__ = "text_consent_change"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    phone_number: str = Field(
        max_length=16, index=True, **personal(DataCategory.CONTACT, retention="opt-out")
    )
    change: ConsentChange = Field(sa_type=string_enum(ConsentChange), **not_personal())
    how: str = Field(
        max_length=40, **not_personal("a keyword (STOP, START ...), 'twilio' or 'staff'")
    )
    channel: Channel | None = Field(
        default=None, sa_type=string_enum(Channel), **not_personal("sms or whatsapp")
    )
    provider_sid: str | None = Field(
        default=None,
        max_length=64,
        unique=True,
        description="the text's MessageSid: a replayed webhook changes nothing",
        **not_personal("the provider's id for the message"),
    )
    staff_user_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.STAFF, retention="staff-action").on(
            Column(Integer, ForeignKey("staff_user.id", ondelete="SET NULL"))
        ),
    )
    reason: str | None = Field(
        default=None,
        max_length=500,
        **personal(DataCategory.FREE_TEXT, retention="opt-out", note="why staff lifted it"),
    )
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class AlertPolicy(SQLModel, table=True):
    """A council's alert thresholds and who gets the daily digest."""

    __tablename__ = "alert_policy"

    council_id: int = Field(
        sa_column=not_personal().on(
            Column(Integer, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
        )
    )
    cover_days: str = Field(default="90,30,7", max_length=50, **not_personal())
    licence_days: str = Field(default="90,30,7", max_length=50, **not_personal())
    connectivity_days: str = Field(default="30,7", max_length=50, **not_personal())
    data_percents: str = Field(default="80,100", max_length=50, **not_personal())
    digest_emails: str = Field(
        default="",
        max_length=2000,
        description="comma-separated; empty: the council's officers",
        **personal(DataCategory.STAFF, retention="council-contact"),
    )
    text_families: bool = Field(default=True, **not_personal())


class AlertRaised(SQLModel, table=True):
    """An alert already raised for an item at a threshold; its key makes it fire once. The
    key's parts are columns too, so the scan's queries leave out what was raised before
    (NOT EXISTS) instead of reading every key back: kind, the item's id (a device, licence,
    SIM, or the council a "scan" mark is for), the threshold (days, or a percent of data)
    and the date (the end date; for data, the month's first day; for a scan, its day)."""

    __tablename__ = "alert_raised"
    __table_args__ = (Index("ix_alert_raised_item", "kind", "item_id", "ends_on", "threshold"),)

    key: str = Field(
        primary_key=True, max_length=200, **not_personal("the alert kind, item id and threshold")
    )
    organisation_id: int | None = Field(
        default=None,
        sa_column=not_personal().on(
            Column(Integer, ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
        ),
    )
    raised_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    kind: str | None = Field(default=None, max_length=40, **not_personal())
    item_id: int | None = Field(default=None, **not_personal("a record id"))
    threshold: int | None = Field(default=None, **not_personal())
    ends_on: date | None = Field(default=None, **not_personal())


register_subject(
    SubjectType.OUTBOX_MESSAGE,
    id_column=OutboxMessage.id,
    family_column=literal(None, Integer()),  # addressed to a number, not a family record
    organisation_column=OutboxMessage.organisation_id,
)
