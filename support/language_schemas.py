"""The API's words for a ticket's language: an agent's change, and the language history."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from accounts.schemas import StrictModel


class LanguageChangeRequest(StrictModel):
    language: str = Field(max_length=8, description="a served language's code, such as pl or ur")
    reason: str = Field(
        max_length=500, description="why: the family asked on the phone, the school knows them"
    )
    also_family: bool = Field(
        default=False, description="also change the family's recorded language"
    )


class LanguageChangePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    from_language: str | None = Field(description="none: the text that named it opened the ticket")
    to_language: str
    family_id: int | None = Field(description="set when the family's language changed too")
    family_from_language: str | None
    changed_by: str = Field(description="'family by text', 'staff' or 'api-key'")
    staff_user_id: int | None
    reason: str
    changed_at: datetime


class TicketLanguagePublic(BaseModel):
    ticket_id: int
    language: str
    language_source: str = Field(
        description="detected, family, default, named (the family named it), word (their word "
        "for help) or agent"
    )
    family_id: int | None
    family_language: str | None = Field(description="the family's recorded language")
    history: list[LanguageChangePublic]
