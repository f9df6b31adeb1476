"""The terms a family accepts, in their language, and the text that brings them the link.
A new wording is a new version (TERMS in devices.service.acceptance names the current one),
so every answer stays tied to the words the family saw."""

from dfc.i18n import N_
from notifications.models import Audience
from notifications.templates import Template, register

register(
    {
        "acceptance-link": Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: your child's laptop can now be yours to keep. "
                "Please read and answer here: %(link)s"
            ),
        ),
    }
)

# What the family reads before they answer, a point each; the heading and buttons are on
# the page (devices/templates/devices/acceptance.html).
TERMS_POINTS: dict[str, list[str]] = {
    "handover-1": [
        N_("The laptop becomes your family's. You do not need to give it back."),
        N_(
            "It has been wiped: nothing from school is left on it, and the school no longer "
            "manages or monitors it."
        ),
        N_(
            "It no longer filters websites. Set up parental controls to help keep your child "
            "safe online."
        ),
        N_("Install updates when it asks, so that it stays safe to use."),
        N_("If it breaks or is lost, the school does not have to repair or replace it."),
    ],
}
