"""A family's texts: whether the service may text them, the history of STOP and START, and
staff turning texts back on when the family asks."""

from fastapi import APIRouter

from accounts.deps import ApiCaller, SessionDep
from devices.schemas import FamilyTextsPublic, TextChangePublic, TextChannelIn, TextsBackOn
from devices.service.family_texts import (
    FamilyTexts,
    choose_text_channel,
    texts_for_family,
    turn_texts_back_on,
)
from dfc.audit.seen import SeenAt
from dfc.caller import Caller
from dfc.personal_data import sharing
from notifications.models import Channel

router = APIRouter(prefix="/api", tags=["families and allocations"])


def _require_full_cover(caller: Caller) -> None:
    """The history holds contact, free text (a reason) and staff data: a key under a sharing
    agreement reads it only if the agreement covers all three."""
    needed = set(sharing.personal_fields("text_consent_change").values())
    if caller.data_categories is not None and not needed <= caller.data_categories:
        raise sharing.NotCovered(
            "This API key's information sharing agreement does not cover a family's texts "
            "(contact details, free text and staff names)"
        )


def _public(texts: FamilyTexts) -> FamilyTextsPublic:
    status = texts.status
    return FamilyTextsPublic(
        family_id=texts.family.id,
        has_mobile=status is not None,
        texts_on=bool(status and status.texts_on),
        off_since=status.since if status else None,
        off_by=status.how if status else None,
        off_channel=status.channel.value if status and status.channel else None,
        history=[TextChangePublic.model_validate(change) for change in texts.history],
        channel=texts.channel.channel.value if texts.channel else "sms",
        channel_consent=texts.channel.consent if texts.channel else None,
    )


@router.get("/families/{family_id}/texts")
def read_family_texts(
    seen: SeenAt, family_id: int, session: SessionDep, caller: ApiCaller
) -> FamilyTextsPublic:
    """Whether texts to the family are on; if off, since when and by which keyword."""
    _require_full_cover(caller)
    return _public(texts_for_family(session, caller=caller, family_id=family_id, seen=seen))


@router.post(
    "/families/{family_id}/texts/on",
    responses={409: {"description": "The family has no mobile number, or texts are on"}},
)
def family_texts_back_on(
    family_id: int, body: TextsBackOn, session: SessionDep, caller: ApiCaller
) -> FamilyTextsPublic:
    """Lifts the family's opt-out because they asked, recording who and why. A family can
    also text START themselves, which is what Twilio expects: if Twilio keeps refusing
    (error 21610), ask them to."""
    _require_full_cover(caller)
    texts = turn_texts_back_on(session, caller=caller, family_id=family_id, reason=body.reason)
    session.commit()
    return _public(texts)


@router.put(
    "/families/{family_id}/texts/channel",
    responses={409: {"description": "The family has no mobile number"}},
)
def choose_family_text_channel(
    family_id: int, body: TextChannelIn, session: SessionDep, caller: ApiCaller
) -> FamilyTextsPublic:
    """Texts to the family by SMS or WhatsApp, as they chose. WhatsApp needs how they agreed
    (422 without it). Outside 24 hours from their last WhatsApp message, only approved
    templates go by WhatsApp; a message without one goes by SMS."""
    _require_full_cover(caller)
    texts = choose_text_channel(
        session,
        caller=caller,
        family_id=family_id,
        channel=Channel(body.channel),
        agreed=body.consent,
    )
    session.commit()
    return _public(texts)
