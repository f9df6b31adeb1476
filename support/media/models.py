"""A photo or file that came with a family's text, and what became of it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Integer, UniqueConstraint
from sqlmodel import Field, SQLModel

from dfc.db_types import UTCDateTime, string_enum, utcnow
from dfc.personal_data.categories import DataCategory
from dfc.personal_data.marks import define_rule, not_personal, personal

define_rule(
    "ticket-file",
    "A photo or file a family sent is deleted from storage, and Twilio's address for it "
    "dropped, this many days after its ticket was resolved or closed (with the ticket's "
    "text); its type, size and times stay.",
    setting="RETAIN_TICKET_TEXT_DAYS",
)


class AttachmentStatus(StrEnum):
    WAITING = "waiting"  # not fetched yet (or a fetch failed and will be tried again)
    STORED = "stored"
    REFUSED = "refused"  # not a type we accept, or too large: `reason` says which
    FAILED = "failed"  # could not be fetched after every attempt: `media_url` says where it is
    REMOVED = "removed"  # deleted under the retention rule or an erasure


def _fk(target: str) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=False, index=True)


class TicketAttachment(SQLModel, table=True):
    __tablename__ = "ticket_attachment"
    # One row per MediaUrlN of a message: a replayed webhook adds nothing.
    __table_args__ = (UniqueConstraint("message_id", "position"),)

    id: int | None = Field(default=None, primary_key=True, **not_personal())
    message_id: int = Field(sa_column=not_personal().on(_fk("ticket_message.id")))
    ticket_id: int = Field(sa_column=not_personal().on(_fk("ticket.id")))
    position: int = Field(description="N in Twilio's MediaUrlN", **not_personal())
    media_url: str | None = Field(
        default=None,
        max_length=500,
        description="Twilio's address for the file (fetched with the account's credentials)",
        **personal(DataCategory.FREE_TEXT, retention="ticket-file"),
    )
    declared_type: str = Field(
        default="", max_length=100, **not_personal("the content type Twilio gave")
    )
    content_type: str | None = Field(
        default=None, max_length=100, **not_personal("the type the file's bytes show")
    )
    size: int | None = Field(default=None, **not_personal())
    storage_key: str | None = Field(
        default=None,
        max_length=100,
        unique=True,
        **personal(
            DataCategory.FREE_TEXT,
            retention="ticket-file",
            note="the stored file (and its thumbnail): the family's photo or document",
        ),
    )
    thumbnail: bool = Field(default=False, **not_personal())
    status: AttachmentStatus = Field(
        default=AttachmentStatus.WAITING, sa_type=string_enum(AttachmentStatus), **not_personal()
    )
    reason: str | None = Field(
        default=None, max_length=300, **not_personal("why a file was refused or not fetched")
    )
    attempts: int = Field(default=0, **not_personal())
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, **not_personal())
    stored_at: datetime | None = Field(default=None, sa_type=UTCDateTime, **not_personal())
