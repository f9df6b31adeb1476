"""Request and response shapes for the support desk."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, EmailStr, Field

from accounts.schemas import StrictModel
from devices.schemas import PhoneNumber
from support.models import Author, Category, Team, TicketPriority, TicketStatus, Via


def _blank_is_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


# A number families dial: a landline, freephone or mobile, spaced as the council writes it.
ContactPhone = Annotated[
    str,
    BeforeValidator(_blank_is_none),
    Field(max_length=30, pattern=r"^\+?[0-9][0-9 ()-]{5,28}$", examples=["0800 123 4567"]),
]
BlankIsNone = BeforeValidator(_blank_is_none)  # a blank answer is no answer, never ""


class ContactIn(StrictModel):
    """Whom families contact about one kind of problem: the team that answers and how to
    reach them. A phone number or an email address is needed (support.contacts)."""

    team: Team
    name: Annotated[str | None, BlankIsNone] = Field(default=None, max_length=200)
    phone: ContactPhone | None = None
    email: Annotated[EmailStr | None, BlankIsNone] = None
    hours: Annotated[str | None, BlankIsNone] = Field(
        default=None, max_length=200, description="e.g. Mon-Fri 9-5"
    )


class ContactBody(ContactIn):
    """One kind of problem's point of contact, as the API sets and lists them."""

    model_config = ConfigDict(from_attributes=True)

    category: Category


class ContactLinePublic(BaseModel):
    """Who answers one kind of problem for a school's families, by the one rule: the
    school's own contact, else its council's, else the team the desk routes to."""

    category: Category
    team: Team
    set_by_organisation_id: int | None = Field(
        description="the school or council whose contact this is; none when the desk's team"
    )
    name: str | None
    phone: str | None
    email: str | None
    hours: str | None


FAMILY_REPLY_LIMIT = 1600  # as long as an agent's reply may be


class FamilyReply(StrictModel):
    """A family's reply on the follow page."""

    message: str = Field(min_length=2, max_length=FAMILY_REPLY_LIMIT)


class TicketRequest(StrictModel):
    """The public form: few questions, no account."""

    category: Category
    message: str = Field(min_length=2, max_length=2000)
    phone_number: PhoneNumber | None = Field(default=None, description="for replies by text")
    serial_number: str | None = Field(default=None, max_length=100)
    language: str | None = Field(default=None, max_length=8, description="the page's language")


class StaffTicketRequest(StrictModel):
    """School staff raising a ticket for a family."""

    category: Category
    message: str = Field(min_length=2, max_length=2000)
    family_id: int
    serial_number: str | None = Field(default=None, max_length=100)


class TicketOpened(BaseModel):
    reference: str
    follow_url: str = Field(description="the family's own link to the ticket; keep it private")


class TicketPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    reference: str
    organisation_id: int
    family_id: int | None
    device_id: int | None
    requester: Author
    via: Via
    category: Category
    language: str
    language_confidence: float | None
    language_source: str
    status: TicketStatus
    priority: TicketPriority
    team: Team
    agent_id: int | None
    first_response_due: datetime
    resolution_due: datetime
    first_responded_at: datetime | None
    created_at: datetime


class FamilyMessage(BaseModel):
    """A message as the family has it: an agent's reply in the words they were sent."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    author: Author
    body: str
    internal: bool
    via: Via
    created_at: datetime
    files: int = Field(
        default=0, description="How many photos or files the family sent with this message"
    )


class AttachmentPublic(BaseModel):
    """A photo or file the family sent: what it is, whether it was kept, where to fetch it."""

    id: int
    content_type: str | None = Field(description="the checked type, once stored")
    size: int | None = Field(description="bytes, once fetched")
    status: str = Field(description="waiting, stored, refused or failed")
    reason: str | None = Field(description="why it was refused or could not be fetched")
    url: str | None = Field(description="GET it with the same credentials, once stored")


class MessagePublic(FamilyMessage):
    """A message on the desk: `body` as its author wrote it, and any machine translation
    beside it (a family's text in English; an agent's reply in the family's language, which
    is what was sent)."""

    translated_text: str | None = Field(
        default=None, description="the machine translation of body, when there is one"
    )
    translated_from: str | None = Field(default=None, description="the language of body")
    translated_to: str | None = Field(default=None, description="the language translated into")
    translated_by: str | None = Field(
        default=None, description='"machine" when a translation service made it'
    )
    translation_provider: str | None = Field(
        default=None, description="the translation service's host"
    )
    translated_at: datetime | None = None
    attachments: list[AttachmentPublic] = Field(default_factory=list)


class TicketWithThread(TicketPublic):
    messages: list[MessagePublic]
    untranslated: str | None = Field(
        default=None,
        description="why a family's text has no English yet (the translation service failed); "
        "it is tried again at the next reading",
    )


class ReplyRequest(StrictModel):
    text: str | None = Field(default=None, max_length=1600)
    canned: str | None = None
    internal: bool = False
    send_as_written: bool = Field(
        default=False,
        description="send free text exactly as written, untranslated: to a family that reads "
        "another language it is otherwise machine translated, or refused when no "
        "translation service is set",
    )


class StatusRequest(StrictModel):
    status: TicketStatus


class AssignRequest(StrictModel):
    agent_id: int | None
    team: Team | None = None


class MergeRequest(StrictModel):
    into_ticket_id: int


class FamilyView(BaseModel):
    """What a family sees of its ticket: no internal notes, no staff names."""

    reference: str
    status: TicketStatus
    category: Category
    messages: list[FamilyMessage]


class CodeRequest(StrictModel):
    reference: str = Field(min_length=4, max_length=20)
    phone_number: PhoneNumber | None = Field(
        default=None,
        description="optional: the family's own mobile, to be told whether texts to it are "
        "off (the answer never says whether the reference exists)",
    )


class CodeSent(BaseModel):
    detail: str
    texts_off: bool | None = Field(
        default=None,
        description="whether texts to the phone_number given are off (STOP); null without one",
    )
    start_number: str | None = Field(
        default=None, description="where to text START to turn texts on again"
    )


class CodeCheck(StrictModel):
    reference: str = Field(min_length=4, max_length=20)
    code: str = Field(pattern=r"^\s*\d{6}\s*$")
