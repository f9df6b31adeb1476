"""How management reads on a page: plain words, and a tag colour that never carries the
meaning alone."""

from devices.models.management import EnrolmentState, Manager, UpdatesKind, UpdatesSource

MANAGER = {
    Manager.INTUNE: "Microsoft Intune",
    Manager.GOOGLE_ADMIN: "Google Admin (ChromeOS)",
    Manager.OTHER_MDM: "Another device manager",
    Manager.NONE: "No manager",
}
STATE = {
    EnrolmentState.ENROLLED: ("Enrolled", "govuk-tag--blue"),
    EnrolmentState.RETIRE_REQUESTED: ("Retire or wipe requested", "govuk-tag--yellow"),
    EnrolmentState.DEPROVISIONED: ("Deprovisioned", "govuk-tag--grey"),
    EnrolmentState.NOT_MANAGED: ("Not managed", "govuk-tag--grey"),
}
UPDATES_KIND = {UpdatesKind.MODEL: "Model", UpdatesKind.OPERATING_SYSTEM: "Operating system"}
UPDATES_SOURCE = {
    UpdatesSource.REFERENCE: "Published end of support",
    UpdatesSource.GOOGLE_EXPORT: "Google Admin export",
    UpdatesSource.ADMIN: "Set by a scheme admin",
}
BASIS = {
    "device": "the device's own date in Google Admin",
    "model": "its model's",
    "operating system": "its operating system's",
}
