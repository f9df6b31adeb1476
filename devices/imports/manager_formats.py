"""The two managers' exports as they are downloaded, column for column: the Google Admin
console's ChromeOS device list (or the same fields from the Directory API's
`chromeosdevices`, as GAM and scripts write them) and Intune's device export (or the Graph
API's `managedDevice` fields). Headers are matched without case or surrounding spaces; the
many columns we do not read are left alone, since a real export has dozens."""

from collections.abc import Mapping
from dataclasses import dataclass

from devices.models.management import EnrolmentState, Manager

ENROLLED, RETIRE, GONE = (
    EnrolmentState.ENROLLED,
    EnrolmentState.RETIRE_REQUESTED,
    EnrolmentState.DEPROVISIONED,
)


@dataclass(frozen=True)
class ExportFormat:
    """One manager's export: for each field we read, the header names that hold it (the
    console's first, then the API's), and how its status words map to enrolment states."""

    manager: Manager
    name: str
    columns: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    states: Mapping[str, EnrolmentState]
    state_when_no_status: EnrolmentState = ENROLLED

    def state_of(self, status: str) -> EnrolmentState | None:
        """The state a status word stands for, compared without case, spaces or _."""
        return self.states.get(status_key(status))

    def state_words(self) -> str:
        return ", ".join(sorted({word.upper() for word in self.states}))


def status_key(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


GOOGLE_ADMIN = ExportFormat(
    manager=Manager.GOOGLE_ADMIN,
    name="Google Admin ChromeOS device list",
    columns={
        "serial_number": ("serial number", "serialnumber"),
        "status": ("status",),
        "last_check_in": ("last sync", "lastsync"),
        "model": ("model",),
        "os_version": ("os version", "osversion", "platform version", "platformversion"),
        "auto_update_expires": (
            "auto update expiration",
            "autoupdateexpiration",
            "auto update through",
            "autoupdatethrough",
            "support end date",
            "supportenddate",
        ),
        "org_unit": ("org unit path", "orgunitpath", "org unit", "organizational unit"),
        "primary_user": ("annotated user", "annotateduser", "user"),
        "asset_id": ("asset id", "annotated asset id", "annotatedassetid"),
        "enrolled": ("enrollment time", "last enrollment time", "lastenrollmenttime"),
    },
    required=("serial_number", "status"),
    states={
        "active": ENROLLED,
        "provisioned": ENROLLED,
        "disabled": ENROLLED,  # locked by the council: still its device
        "inactive": ENROLLED,
        "preprovisioned": ENROLLED,  # registered to the council's domain, enrols on first boot
        "shipped": ENROLLED,
        "returnrequested": RETIRE,
        "deprovisioned": GONE,
        "returnarrived": GONE,
    },
)

INTUNE = ExportFormat(
    manager=Manager.INTUNE,
    name="Intune device export",
    columns={
        "serial_number": ("serial number", "serialnumber"),
        "status": ("device state", "management state", "managementstate"),
        "last_check_in": ("last check-in", "last check in", "lastsyncdatetime"),
        "model": ("model",),
        "operating_system": ("os", "operatingsystem"),
        "os_version": ("os version", "osversion"),
        "primary_user": ("primary user upn", "userprincipalname"),
        "ownership": ("ownership", "manageddeviceownertype"),
        "compliance": ("compliance", "compliancestate"),
        "enrolled": ("enrollment date", "enrolleddatetime"),
    },
    required=("serial_number",),
    states={
        "managed": ENROLLED,
        "unhealthy": ENROLLED,
        "discovered": ENROLLED,
        "retirefailed": ENROLLED,
        "wipefailed": ENROLLED,
        "retirecanceled": ENROLLED,
        "wipecanceled": ENROLLED,
        "retirepending": RETIRE,
        "retireissued": RETIRE,
        "wipepending": RETIRE,
        "wipeissued": RETIRE,
        "deletepending": RETIRE,
    },
)

FORMATS = {Manager.GOOGLE_ADMIN: GOOGLE_ADMIN, Manager.INTUNE: INTUNE}
