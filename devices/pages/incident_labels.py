"""How incidents' kinds, statuses and parties are named on the staff pages."""

from devices.models import IncidentKind, IncidentStatus, ResponsibleParty, WarrantyStatus

KINDS = {
    IncidentKind.DAMAGE.value: "Damage",
    IncidentKind.LOSS.value: "Loss",
    IncidentKind.THEFT.value: "Theft",
}
STATUSES = {IncidentStatus.OPEN.value: "Open", IncidentStatus.CLOSED.value: "Closed"}
PARTIES = {
    ResponsibleParty.UNKNOWN.value: "Not known yet",
    ResponsibleParty.NOBODY.value: "Nobody: an accident or wear and tear",
    ResponsibleParty.FAMILY.value: "The family",
    ResponsibleParty.SCHOOL.value: "The school",
    ResponsibleParty.SUPPLIER.value: "The supplier: a fault",
    ResponsibleParty.THIRD_PARTY.value: "Someone else: a thief, a courier",
}
WARRANTY = {
    WarrantyStatus.NONE.value: "No claim",
    WarrantyStatus.CLAIMED.value: "Claimed",
    WarrantyStatus.ACCEPTED.value: "Accepted",
    WarrantyStatus.REJECTED.value: "Rejected",
    WarrantyStatus.SETTLED.value: "Settled: repaired or replaced",
}


def pounds(pence: int | None) -> str:
    return "" if pence is None else f"£{pence / 100:,.2f}"
