"""The outbox (every message the service sends), opt-outs, alert settings and the record of
alerts already raised, so that each fires once."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, Text
from sqlmodel import Field, SQLModel

from dfc.db_types import UTCDateTime, string_enum, utcnow


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

    id: int | None = Field(default=None, primary_key=True)
    idempotency_key: str = Field(max_length=200, unique=True)
    organisation_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("organisation.id", ondelete="SET NULL"), index=True),
    )
    audience: Audience = Field(sa_type=string_enum(Audience))
    channel: Channel = Field(sa_type=string_enum(Channel), index=True)
    recipient: str = Field(max_length=254)
    locale: str = Field(max_length=8)
    template: str = Field(max_length=100)
    subject: str | None = Field(default=None, max_length=200)
    body: str = Field(sa_column=Column(Text, nullable=False))
    segments: int = 1
    encoding: str = Field(default="GSM-7", max_length=8)
    status: MessageStatus = Field(default=MessageStatus.PENDING, sa_type=string_enum(MessageStatus))
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    provider_id: str | None = Field(default=None, max_length=64, index=True)
    outbox_only: bool = Field(default=False, description="kept here; no provider was set up")
    error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SmsOptOut(SQLModel, table=True):
    """A number that texted STOP (or that Twilio says has opted out): no more SMS to it."""

    __tablename__ = "sms_opt_out"

    phone_number: str = Field(primary_key=True, max_length=16)
    opted_out_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AlertPolicy(SQLModel, table=True):
    """A council's alert thresholds and who gets the daily digest."""

    __tablename__ = "alert_policy"

    council_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
        )
    )
    support_days: str = Field(default="90,30,7", max_length=50)
    licence_days: str = Field(default="90,30,7", max_length=50)
    connectivity_days: str = Field(default="30,7", max_length=50)
    data_percents: str = Field(default="80,100", max_length=50)
    digest_emails: str = Field(
        default="", max_length=2000, description="comma-separated; empty: the council's officers"
    )
    text_families: bool = True


class AlertRaised(SQLModel, table=True):
    """An alert already raised for an item at a threshold; its key makes it fire once."""

    __tablename__ = "alert_raised"

    key: str = Field(primary_key=True, max_length=200)
    organisation_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("organisation.id", ondelete="CASCADE"), index=True),
    )
    raised_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
