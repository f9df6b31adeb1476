"""Support tickets from families and schools, their messages, and each council's and
school's points of contact for each kind of problem."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from devices.models.moves import follows_family_and_school
from dfc.audit.models import SubjectType
from dfc.audit.writer import register_subject
from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import not_personal, personal
from support.sla import Priority as TicketPriority


class Category(StrEnum):
    WILL_NOT_SWITCH_ON = "will-not-switch-on"
    BROKEN_SCREEN = "broken-screen"
    CANNOT_CONNECT = "cannot-connect"
    DATA_USED_UP = "data-used-up"
    LOCKED_OUT = "locked-out"
    LOST_OR_STOLEN = "lost-or-stolen"
    OTHER = "other"


class TicketStatus(StrEnum):
    NEW = "new"
    OPEN = "open"
    WAITING_ON_FAMILY = "waiting-on-family"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Team(StrEnum):
    """Who answers a kind of problem: the points of contact a council chooses."""

    SCHOOL_IT = "school-it"
    COUNCIL_HELPDESK = "council-helpdesk"
    SUPPLIER = "supplier"
    NATIONAL_HELPLINE = "national-helpline"


class Via(StrEnum):
    WEB = "web"
    SMS = "sms"
    WHATSAPP = "whatsapp"
    STAFF = "staff"


class Author(StrEnum):
    FAMILY = "family"
    STAFF = "staff"
    AGENT = "agent"
    SYSTEM = "system"


def _fk(target: str, *, nullable: bool = True, ondelete: str = "SET NULL") -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True)


class Ticket(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (Index("ix_ticket_queue", "status", "language"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    reference: str = Field(max_length=12, unique=True, **not_personal())
    access_hash: str = Field(
        max_length=64,
        unique=True,
        description="hash of the link token",
        **not_personal("a hash of the random token in the family's link"),
    )
    organisation_id: int = Field(
        sa_column=not_personal().on(_fk("organisation.id", nullable=False, ondelete="RESTRICT"))
    )
    family_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(_fk("family.id")),
    )
    device_id: int | None = Field(default=None, sa_column=not_personal().on(_fk("device.id")))
    requester: Author = Field(sa_type=string_enum(Author), **not_personal())
    phone_number: str | None = Field(
        default=None,
        max_length=16,
        index=True,
        **personal(DataCategory.CONTACT, retention="ticket-text"),
    )
    via: Via = Field(sa_type=string_enum(Via), **not_personal())
    category: Category = Field(sa_type=string_enum(Category), **not_personal())
    language: str = Field(
        max_length=8, **not_personal("the language a ticket is handled in, or an agent replies in")
    )
    language_confidence: float | None = Field(default=None, **not_personal())
    language_source: str = Field(default="default", max_length=10, **not_personal())
    status: TicketStatus = Field(
        default=TicketStatus.NEW, sa_type=string_enum(TicketStatus), **not_personal()
    )
    priority: TicketPriority = Field(
        default=TicketPriority.NORMAL, sa_type=string_enum(TicketPriority), **not_personal()
    )
    team: Team = Field(sa_type=string_enum(Team), **not_personal())
    agent_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.STAFF, retention="staff-action").on(_fk("staff_user.id")),
    )
    first_response_due: datetime = Field(sa_type=UTCDateTime, **not_personal())
    resolution_due: datetime = Field(sa_type=UTCDateTime, **not_personal())
    first_responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    merged_into_id: int | None = Field(default=None, sa_column=not_personal().on(_fk("ticket.id")))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class TicketMessage(SQLModel, table=True):
    __tablename__ = "ticket_message"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    ticket_id: int = Field(
        sa_column=not_personal().on(_fk("ticket.id", nullable=False, ondelete="CASCADE"))
    )
    author: Author = Field(sa_type=string_enum(Author), **not_personal())
    author_user_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.STAFF, retention="staff-action").on(_fk("staff_user.id")),
    )
    body: str = Field(
        sa_column=personal(DataCategory.FREE_TEXT, retention="ticket-text").on(
            Column(Text, nullable=False)
        )
    )
    internal: bool = Field(
        default=False, description="a note for staff; never sent", **not_personal()
    )
    via: Via = Field(sa_type=string_enum(Via), **not_personal())
    provider_sid: str | None = Field(
        default=None,
        max_length=64,
        unique=True,
        description="Twilio's MessageSid for a text: a replayed webhook adds nothing",
        **not_personal("the provider's id for the message"),
    )
    # A machine translation beside the words as written (support.translation): the English
    # of a family's text, or the family's language of an agent's reply, which is what was sent.
    translated_text: str | None = Field(
        default=None,
        sa_column=personal(DataCategory.FREE_TEXT, retention="ticket-text").on(
            Column(Text, nullable=True)
        ),
    )
    translated_from: str | None = Field(
        default=None, max_length=8, **not_personal("the language the body is written in")
    )
    translated_to: str | None = Field(
        default=None, max_length=8, **not_personal("the language of the translated text")
    )
    translated_by: str | None = Field(
        default=None, max_length=10, description='"machine"', **not_personal()
    )
    translation_provider: str | None = Field(
        default=None,
        max_length=200,
        **not_personal("the translation service's host name"),
    )
    translated_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


class SupportContact(SQLModel, table=True):
    """Whom a council's or a school's families contact about a kind of problem: a school's
    own contact comes before its council's (support.contacts holds the rule)."""

    __tablename__ = "support_contact"
    __table_args__ = (UniqueConstraint("organisation_id", "category"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    organisation_id: int = Field(
        sa_column=not_personal("the council or school").on(
            _fk("organisation.id", nullable=False, ondelete="CASCADE")
        )
    )
    category: Category = Field(sa_type=string_enum(Category), **not_personal())
    team: Team = Field(sa_type=string_enum(Team), **not_personal())
    name: str | None = Field(
        default=None, max_length=200, **personal(DataCategory.STAFF, retention="council-contact")
    )
    phone: str | None = Field(
        default=None, max_length=30, **personal(DataCategory.STAFF, retention="council-contact")
    )
    email: str | None = Field(
        default=None, max_length=254, **personal(DataCategory.STAFF, retention="council-contact")
    )
    hours: str | None = Field(default=None, max_length=200, **not_personal())


class AgentLanguage(SQLModel, table=True):
    """A language an agent can reply in; the queue filters by it."""

    __tablename__ = "agent_language"

    user_id: int = Field(
        sa_column=personal(DataCategory.STAFF, retention="staff-account").on(
            Column(Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
        )
    )
    language: str = Field(
        primary_key=True,
        max_length=8,
        **not_personal("the language a ticket is handled in, or an agent replies in"),
    )


class FollowCode(SQLModel, table=True):
    """A one-time code sent by SMS so a family can open its ticket by reference."""

    __tablename__ = "ticket_follow_code"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    ticket_id: int = Field(
        sa_column=not_personal().on(_fk("ticket.id", nullable=False, ondelete="CASCADE"))
    )
    code_hash: str = Field(max_length=64, **personal(DataCategory.ONLINE, retention="follow-code"))
    expires_at: datetime = Field(sa_type=UTCDateTime, **not_personal())
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    attempts: int = Field(default=0, **not_personal())


class TicketLanguageChange(SQLModel, table=True):
    """Every change to a ticket's language (and the family's with it): from what, to what,
    who (the family, by naming it in a text, or a member of staff) and why. Kept, never
    edited: it explains why a family was written to in a language."""

    __tablename__ = "ticket_language_change"

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    ticket_id: int = Field(
        sa_column=not_personal().on(_fk("ticket.id", nullable=False, ondelete="CASCADE"))
    )
    family_id: int | None = Field(
        default=None,
        description="set when the family's recorded language changed too",
        sa_column=personal(DataCategory.PUPIL, retention="family-link").on(_fk("family.id")),
    )
    from_language: str | None = Field(
        default=None,
        max_length=8,
        **not_personal("the ticket's language before; none when the text that named it opened it"),
    )
    to_language: str = Field(max_length=8, **not_personal())
    family_from_language: str | None = Field(
        default=None,
        max_length=8,
        **not_personal("a language code, like the ticket's own language"),
    )
    changed_by: str = Field(max_length=20, **not_personal("'family by text', 'staff' or 'api-key'"))
    staff_user_id: int | None = Field(
        default=None,
        sa_column=personal(DataCategory.STAFF, retention="staff-action").on(_fk("staff_user.id")),
    )
    reason: str = Field(
        max_length=500,
        **personal(DataCategory.FREE_TEXT, retention="ticket-text", note="why it changed"),
    )
    changed_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())


register_subject(
    SubjectType.TICKET,
    id_column=Ticket.id,
    family_column=Ticket.family_id,
    organisation_column=Ticket.organisation_id,
)
follows_family_and_school(
    "tickets", organisation_column=Ticket.organisation_id, family_column=Ticket.family_id
)
