"""The support desk's messages to families, rendered by notifications in their language."""

from dfc.i18n import N_
from notifications.models import Audience
from notifications.templates import Template, register

CANNED = {
    "restart": N_(
        "Please hold the power button down for 15 seconds, then switch the laptop "
        "on again. Reply to this text if it still does not work."
    ),
    "bring-to-school": N_(
        "Please bring the laptop and charger to the school office. They will repair or swap it."
    ),
    "more-data": N_(
        "We have asked for more data for your 4G dongle. It should work again "
        "within 2 working days."
    ),
}

register(
    {
        "ticket-received": Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: we have your message. Your reference is %(reference)s. "
                "We will reply by %(date)s."
            ),
            requested=True,
        ),
        "ticket-resolved": Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: we think your problem %(reference)s is solved. "
                "Reply to this text if it is not."
            ),
        ),
        "ticket-follow-code": Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: your code for %(reference)s is %(code)s. It works for 15 "
                "minutes."
            ),
            requested=True,
        ),
        "media-refused": Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: we could not open a file you sent (%(reference)s). "
                "Please send photos or PDF files up to %(size)s."
            ),
            requested=True,
        ),
        # Asks a family we do not know for their language, one short phrase per likely
        # language, each already in its own language (support.language_choice.invitation).
        "language-question": Template(
            Audience.FAMILY, "%(invitation)s", translated=False, requested=True
        ),
        "language-set": Template(
            Audience.FAMILY,
            N_("Devices for Children: thank you. We will write to you in this language."),
            requested=True,
        ),
        "ticket-reply": Template(
            Audience.FAMILY, "%(text)s (%(reference)s)", translated=False, requested=True
        ),
        **{
            f"canned-{name}": Template(Audience.FAMILY, text, requested=True)
            for name, text in CANNED.items()
        },
    }
)
