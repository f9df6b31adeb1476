"""How the register's states read on a page: plain words and a GOV.UK tag colour, so the
meaning is in the words, never in the colour alone."""

from devices.models import DeviceKind, DeviceStatus, RequestStatus
from notifications.consent import TextStatus

DEVICE_STATUS = {
    DeviceStatus.IN_STOCK: ("In stock", "govuk-tag--blue"),
    DeviceStatus.ALLOCATED: ("Allocated, not collected", "govuk-tag--light-blue"),
    DeviceStatus.WITH_FAMILY: ("With a family", "govuk-tag--green"),
    DeviceStatus.IN_REPAIR: ("In repair", "govuk-tag--yellow"),
    DeviceStatus.LOST: ("Lost", "govuk-tag--red"),
    DeviceStatus.STOLEN: ("Stolen", "govuk-tag--red"),
    DeviceStatus.RETURNED: ("Returned", "govuk-tag--grey"),
    DeviceStatus.RETIRED: ("Retired", "govuk-tag--grey"),
}
DEVICE_KIND = {
    DeviceKind.LAPTOP: "Laptop",
    DeviceKind.TABLET: "Tablet",
    DeviceKind.CHROMEBOOK: "Chromebook",
}
REQUEST_STATUS = {
    RequestStatus.REQUESTED: ("Requested", "govuk-tag--blue"),
    RequestStatus.APPROVED: ("Approved", "govuk-tag--light-blue"),
    RequestStatus.FULFILLED: ("Fulfilled", "govuk-tag--green"),
    RequestStatus.DECLINED: ("Declined", "govuk-tag--grey"),
}
RETURN_REASONS = {
    "returned": "Returned by the family",
    "pupil-left": "The pupil left the school",
    "no-longer-needed": "No longer needed",
    "faulty": "Faulty",
}


def choices(labels: dict) -> list[tuple[str, str]]:
    """(value, words) pairs for a select or radios."""
    return [
        (key.value if hasattr(key, "value") else key, text[0] if isinstance(text, tuple) else text)
        for key, text in labels.items()
    ]


def text_status_label(status: TextStatus | None) -> str:
    """How staff see whether the service may text a family (the family and ticket pages)."""
    if status is None:
        return "No mobile number"
    if status.texts_on:
        return "On"
    since = status.since.strftime("%-d %B %Y") if status.since else "a date not recorded"
    if status.how == "twilio":
        how = ", when Twilio said the number had opted out"
    elif status.how and status.how != "not recorded":
        by = "WhatsApp" if status.channel and status.channel.value == "whatsapp" else "SMS"
        how = f", when the family texted {status.how} by {by}"
    else:
        how = ""
    return f"Off since {since}{how}: cannot text this family; call or write"
