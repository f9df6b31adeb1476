"""Whether the service may text a family, and staff turning texts back on when the family
asks (the family can always do it themselves by texting START)."""

from dataclasses import dataclass

from sqlmodel import Session

from devices.models import Family
from devices.service.access import actor, require_writer
from devices.service.families import get_family, show_family
from dfc.audit.seen import Where
from dfc.caller import Caller
from dfc.errors import Conflict
from notifications import consent, whatsapp
from notifications.consent import TextStatus
from notifications.models import Channel, TextConsentChange
from notifications.whatsapp_models import TextChannelChoice


@dataclass(frozen=True)
class FamilyTexts:
    family: Family
    status: TextStatus | None  # None: no mobile number, so nothing to text
    history: list[TextConsentChange]
    channel: TextChannelChoice | None = None  # None: SMS, never chosen otherwise


def texts_for_family(
    session: Session, *, caller: Caller, family_id: int, seen: Where | None = None
) -> FamilyTexts:
    """The family's texts: on or off (since when, by which keyword), and every change.
    With `seen`, the read is recorded in the access audit (a page that shows the family
    has recorded it already)."""
    family = (
        show_family(session, caller=caller, family_id=family_id, seen=seen)
        if seen is not None
        else get_family(session, caller=caller, family_id=family_id)
    )
    if not family.phone_number:
        return FamilyTexts(family=family, status=None, history=[])
    return FamilyTexts(
        family=family,
        status=consent.text_status(session, family.phone_number),
        history=consent.consent_history(session, family.phone_number),
        channel=whatsapp.channel_of(session, family.phone_number),
    )


def turn_texts_back_on(
    session: Session, *, caller: Caller, family_id: int, reason: str
) -> FamilyTexts:
    """Lifts the family's opt-out because they asked (on the phone, in person), recording
    who and why. Only when texts are off: a family that never said STOP has nothing to lift."""
    require_writer(caller)
    family = get_family(session, caller=caller, family_id=family_id)
    if not family.phone_number:
        raise Conflict("The family has no mobile number to text")
    lifted = consent.lift_opt_out(
        session,
        family.phone_number,
        staff_user_id=caller.user_id,
        how="staff" if caller.user_id else "api-key",
        reason=reason,
    )
    if not lifted:
        raise Conflict("Texts to this family are already on")
    return texts_for_family(session, caller=caller, family_id=family_id)


def choose_text_channel(
    session: Session, *, caller: Caller, family_id: int, channel: Channel, agreed: str
) -> FamilyTexts:
    """The family's texts go by SMS or WhatsApp, as they chose; WhatsApp only with how they
    agreed recorded (notifications.whatsapp keeps WhatsApp's rules)."""
    require_writer(caller)
    family = get_family(session, caller=caller, family_id=family_id)
    if not family.phone_number:
        raise Conflict("The family has no mobile number to text")
    whatsapp.choose_channel(
        session,
        phone_number=family.phone_number,
        channel=channel,
        consent=agreed,
        recorded_by=actor(caller),
    )
    return texts_for_family(session, caller=caller, family_id=family_id)
