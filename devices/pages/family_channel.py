"""The family page's form for how texts reach the family: SMS or WhatsApp, with how they
agreed to WhatsApp (devices.service.family_texts and notifications.whatsapp hold the rules,
the same as the API's)."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import SessionDep
from accounts.staff import SchoolStaff
from devices.pages.families import _family_page
from devices.service import family_texts
from dfc.audit.seen import SeenAt
from dfc.errors import DomainError
from dfc.paging import PagingDep
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import values_of
from notifications.models import Channel

router = APIRouter(include_in_schema=False)
CHOICES = {"sms": Channel.SMS, "whatsapp": Channel.WHATSAPP}


@router.post("/families/{family_id}/texts/channel")
async def choose_channel(
    request: Request,
    _csrf: CsrfChecked,
    seen: SeenAt,
    family_id: int,
    session: SessionDep,
    caller: SchoolStaff,
    paging: PagingDep,
) -> Response:
    values = {k: v for k, v in values_of(await request.form()).items() if isinstance(v, str)}
    channel = CHOICES.get(values.get("channel", ""))
    if channel is None:
        errors = {"channel": "Choose SMS or WhatsApp"}
    else:
        try:
            family_texts.choose_text_channel(
                session,
                caller=caller,
                family_id=family_id,
                channel=channel,
                agreed=values.get("consent", ""),
            )
            session.commit()
            return RedirectResponse(f"/families/{family_id}?done=channel#texts-by", 303)
        except DomainError as refused:
            session.rollback()
            errors = {refused.field or "channel": refused.message}
    return _family_page(
        request, session, caller, seen, paging, family_id, errors=errors, values=values
    )
