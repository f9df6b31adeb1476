"""The service's default loan agreement, per kind of loan, in every language (through the
catalogues), and the text that brings the family its link. A council may lend on its own
words instead (devices.models.LoanTerms, versioned); those are shown as staff wrote them.
A new default wording is a new code ("loan-device-2"), so every answer stays tied to the
words the family saw."""

from devices.models import LoanKind
from dfc.i18n import N_
from notifications.models import Audience
from notifications.templates import Template, register

register(
    {
        "loan-agreement-link": Template(
            Audience.FAMILY,
            N_(
                "Devices for Children: please read and agree to the terms of your child's "
                "laptop loan here: %(link)s"
            ),
        ),
    }
)

_DEVICE = [
    N_("The laptop is lent to your child for their school work. It still belongs to the school."),
    N_("Keep it safe, dry and charged. Do not take it apart or try to remove its settings."),
    N_("Tell the school straight away if it is lost, stolen or broken. You will not be charged."),
    N_("Give it back when the school asks, or when your child leaves the school."),
    N_("The school may check it is still working and still needed on the review date."),
]
_DONGLE = [
    N_(
        "The 4G dongle is lent with the laptop. Use its data for school work; it filters "
        "websites that are not safe for children."
    ),
    N_("Give the dongle back with the laptop."),
]

# code -> the points the family reads, one a bullet
DEFAULT_TERMS: dict[str, list[str]] = {
    "loan-device-1": _DEVICE,
    "loan-device-and-dongle-1": _DEVICE + _DONGLE,
}
DEFAULT_CODE = {
    LoanKind.DEVICE: "loan-device-1",
    LoanKind.DEVICE_AND_DONGLE: "loan-device-and-dongle-1",
}
COUNCIL_PREFIX = "council-terms-"  # + the LoanTerms id: a council's own version
