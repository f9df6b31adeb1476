"""What WhatsApp's rules need kept: each family's chosen channel with their consent, when
they last wrote on WhatsApp (free text may be sent only within 24 hours of it), and the
approved template (Twilio Content API) for each of our messages in each language."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal
from notifications.models import Channel


class TextChannelChoice(SQLModel, table=True):
    """The channel a family chose for texts to their number, and how they agreed to it.
    A number without one gets SMS."""

    __tablename__ = "text_channel_choice"

    phone_number: str = Field(
        primary_key=True,
        max_length=16,
        **personal(DataCategory.CONTACT, retention="text-channel"),
    )
    channel: Channel = Field(sa_type=string_enum(Channel), **not_personal("sms or whatsapp"))
    consent: str = Field(
        max_length=300,
        description="how the family agreed (e.g. asked at school, by phone)",
        **personal(DataCategory.FREE_TEXT, retention="text-channel"),
    )
    recorded_by: str = Field(
        max_length=200, **personal(DataCategory.STAFF, retention="staff-action")
    )
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class WhatsAppWindow(SQLModel, table=True):
    """When a number last wrote to us on WhatsApp: for 24 hours after, free text may be
    sent to it; outside that window only approved templates."""

    __tablename__ = "whatsapp_window"

    phone_number: str = Field(
        primary_key=True,
        max_length=16,
        **personal(DataCategory.CONTACT, retention="text-channel"),
    )
    last_inbound_at: datetime = Field(sa_type=UTCDateTime, **not_personal())


class WhatsAppTemplate(SQLModel, table=True):
    """One of our messages in one language, approved by WhatsApp as a Twilio Content API
    template: its content SID; its variables are the message's values by position."""

    __tablename__ = "whatsapp_template"
    __table_args__ = (UniqueConstraint("template", "locale"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    template: str = Field(max_length=100, **not_personal("our message's name"))
    locale: str = Field(max_length=8, **not_personal())
    content_sid: str = Field(max_length=34, **not_personal("Twilio's id for the template"))
    added_by: str = Field(max_length=200, **personal(DataCategory.STAFF, retention="staff-action"))
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
