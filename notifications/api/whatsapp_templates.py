"""WhatsApp's approved templates (Twilio Content API), one per family message and language:
the text to submit for approval, with its values numbered, and the content SID once
WhatsApp has approved it. Scheme admins record them; without one, a message outside the
family's 24-hour window goes by SMS (notifications.whatsapp)."""

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from accounts.deps import ApiCaller, SessionDep
from accounts.models import Role
from dfc.errors import Forbidden, InvalidInput
from dfc.i18n import BY_CODE
from notifications import whatsapp

router = APIRouter(prefix="/api/whatsapp-templates", tags=["notifications"])


class TemplatePublic(BaseModel):
    template: str
    locale: str
    content_sid: str | None = Field(description="null: not approved yet, so SMS is used")
    text_for_approval: str = Field(description="the message with {{1}}, {{2}} for its values")
    variables: list[str] = Field(description="what {{1}}, {{2}} ... stand for, in order")


class ContentSid(BaseModel):
    content_sid: str = Field(description="HX followed by 32 letters and digits, from Twilio")


def _require_admin(caller) -> None:
    if not caller.has_role(Role.SCHEME_ADMIN):
        raise Forbidden("Only scheme administrators record WhatsApp templates")


@router.get("")
def list_templates(
    session: SessionDep,
    caller: ApiCaller,
    locale: str = Query(default="en", description="a served language's code"),
) -> list[TemplatePublic]:
    """Every family message in `locale`, with its approved template if there is one."""
    _require_admin(caller)
    if locale not in BY_CODE:
        raise InvalidInput(f"Use one of: {', '.join(BY_CODE)}", field="locale")
    approved = whatsapp.templates_approved(session)
    return [
        TemplatePublic(
            template=name,
            locale=locale,
            content_sid=row.content_sid if (row := approved.get((name, locale))) else None,
            text_for_approval=whatsapp.approval_text(name, locale),
            variables=whatsapp.variable_keys(name),
        )
        for name in whatsapp.family_templates()
    ]


@router.put("/{template}/{locale}")
def record_template(
    template: str, locale: str, body: ContentSid, session: SessionDep, caller: ApiCaller
) -> TemplatePublic:
    """Records the content SID WhatsApp approved for the message in that language."""
    _require_admin(caller)
    if locale not in BY_CODE:
        raise InvalidInput(f"Use one of: {', '.join(BY_CODE)}", field="locale")
    row = whatsapp.set_template(
        session,
        template=template,
        locale=locale,
        content_sid=body.content_sid,
        added_by=caller.name or "scheme admin",
    )
    session.commit()
    return TemplatePublic(
        template=row.template,
        locale=row.locale,
        content_sid=row.content_sid,
        text_for_approval=whatsapp.approval_text(template, locale),
        variables=whatsapp.variable_keys(template),
    )
