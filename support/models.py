"""Support tickets from families and schools, their messages, and each council's points
of contact for each kind of problem."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from dfc.db_types import UTCDateTime, string_enum, utcnow
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

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=12, unique=True)
    access_hash: str = Field(max_length=64, unique=True, description="hash of the link token")
    organisation_id: int = Field(
        sa_column=_fk("organisation.id", nullable=False, ondelete="RESTRICT")
    )
    family_id: int | None = Field(default=None, sa_column=_fk("family.id"))
    device_id: int | None = Field(default=None, sa_column=_fk("device.id"))
    requester: Author = Field(sa_type=string_enum(Author))
    phone_number: str | None = Field(default=None, max_length=16, index=True)
    via: Via = Field(sa_type=string_enum(Via))
    category: Category = Field(sa_type=string_enum(Category))
    language: str = Field(max_length=8)
    language_confidence: float | None = None
    language_source: str = Field(default="default", max_length=10)
    status: TicketStatus = Field(default=TicketStatus.NEW, sa_type=string_enum(TicketStatus))
    priority: TicketPriority = Field(
        default=TicketPriority.NORMAL, sa_type=string_enum(TicketPriority)
    )
    team: Team = Field(sa_type=string_enum(Team))
    agent_id: int | None = Field(default=None, sa_column=_fk("staff_user.id"))
    first_response_due: datetime = Field(sa_type=UTCDateTime)
    resolution_due: datetime = Field(sa_type=UTCDateTime)
    first_responded_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    resolved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    merged_into_id: int | None = Field(default=None, sa_column=_fk("ticket.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class TicketMessage(SQLModel, table=True):
    __tablename__ = "ticket_message"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(sa_column=_fk("ticket.id", nullable=False, ondelete="CASCADE"))
    author: Author = Field(sa_type=string_enum(Author))
    author_user_id: int | None = Field(default=None, sa_column=_fk("staff_user.id"))
    body: str = Field(sa_column=Column(Text, nullable=False))
    internal: bool = Field(default=False, description="a note for staff; never sent")
    via: Via = Field(sa_type=string_enum(Via))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SupportContact(SQLModel, table=True):
    """Whom a council's families contact about a kind of problem, shown in their language."""

    __tablename__ = "support_contact"
    __table_args__ = (UniqueConstraint("council_id", "category"),)

    id: int | None = Field(default=None, primary_key=True)
    council_id: int = Field(sa_column=_fk("organisation.id", nullable=False, ondelete="CASCADE"))
    category: Category = Field(sa_type=string_enum(Category))
    team: Team = Field(sa_type=string_enum(Team))
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=30)
    email: str | None = Field(default=None, max_length=254)
    hours: str | None = Field(default=None, max_length=200)


class AgentLanguage(SQLModel, table=True):
    """A language an agent can reply in; the queue filters by it."""

    __tablename__ = "agent_language"

    user_id: int = Field(
        sa_column=Column(Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True)
    )
    language: str = Field(primary_key=True, max_length=8)


class FollowCode(SQLModel, table=True):
    """A one-time code sent by SMS so a family can open its ticket by reference."""

    __tablename__ = "ticket_follow_code"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(sa_column=_fk("ticket.id", nullable=False, ondelete="CASCADE"))
    code_hash: str = Field(max_length=64)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
