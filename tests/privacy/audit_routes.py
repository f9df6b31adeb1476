"""The routes that show a family's personal data, each with the audit row it must write, and
the GET routes naming families or tickets that write none, with why: the table
tests/privacy/test_audit.py checks every route against."""

from dataclasses import dataclass

from dfc.audit.models import AuditAction, SubjectType


@dataclass(frozen=True)
class Case:
    url: str  # with {family}, {ticket}, {device}, {stock}, {phone} filled from the world
    route: str
    action: AuditAction
    subject_type: SubjectType = SubjectType.FAMILY
    whole_school: bool = False  # every family of the school, not just `mine`
    officer: bool = False  # needs a council officer rather than school staff


CASES = {
    "api family list": Case("/api/families", "/api/families", AuditAction.READ, whole_school=True),
    "api family csv": Case(
        "/api/families?format=csv", "/api/families", AuditAction.EXPORT, whole_school=True
    ),
    "api family": Case("/api/families/{family}", "/api/families/{family_id}", AuditAction.READ),
    "api family texts": Case(
        "/api/families/{family}/texts", "/api/families/{family_id}/texts", AuditAction.READ
    ),
    "api ticket": Case(
        "/api/tickets/{ticket}", "/api/tickets/{ticket_id}", AuditAction.READ, SubjectType.TICKET
    ),
    "ticket file": Case(
        "/tickets/{ticket}/files/{attachment}",
        "/tickets/{ticket_id}/files/{attachment_id}",
        AuditAction.READ,
        SubjectType.TICKET,
    ),
    "api ticket file": Case(
        "/api/tickets/{ticket}/files/{attachment}",
        "/api/tickets/{ticket_id}/files/{attachment_id}",
        AuditAction.READ,
        SubjectType.TICKET,
    ),
    "api ticket language": Case(
        "/api/tickets/{ticket}/language",
        "/api/tickets/{ticket_id}/language",
        AuditAction.READ,
        SubjectType.TICKET,
    ),
    "families page": Case("/families", "/families", AuditAction.READ, whole_school=True),
    "families csv": Case(
        "/families?format=csv", "/families", AuditAction.EXPORT, whole_school=True
    ),
    "family page": Case("/families/{family}", "/families/{family_id}", AuditAction.READ),
    "move family form": Case(
        "/families/{family}/move", "/families/{family_id}/move", AuditAction.READ
    ),
    "uplift form": Case(
        "/families/{family}/uplifts/new", "/families/{family_id}/uplifts/new", AuditAction.READ
    ),
    "device page": Case("/devices/{device}", "/devices/{device_id}", AuditAction.READ),
    "allocate form": Case(
        "/devices/{stock}/allocate",
        "/devices/{device_id}/allocate",
        AuditAction.READ,
        whole_school=True,
    ),
    "subject access search": Case(
        "/privacy/subject-access?phone={phone}",
        "/privacy/subject-access",
        AuditAction.SEARCH,
        officer=True,
    ),
    "subject access page": Case(
        "/privacy/subject-access/family/{family}",
        "/privacy/subject-access/family/{family_id}",
        AuditAction.SUBJECT_ACCESS,
        officer=True,
    ),
    "subject access json": Case(
        "/privacy/subject-access/family/{family}?format=json",
        "/privacy/subject-access/family/{family_id}",
        AuditAction.EXPORT,
        officer=True,
    ),
    "erase form": Case(
        "/privacy/subject-access/family/{family}/erase",
        "/privacy/subject-access/family/{family_id}/erase",
        AuditAction.READ,
        officer=True,
    ),
    "api subject access search": Case(
        "/api/privacy/subject-access?phone={phone}",
        "/api/privacy/subject-access",
        AuditAction.SEARCH,
        officer=True,
    ),
    "api subject access export": Case(
        "/api/privacy/subject-access/family/{family}",
        "/api/privacy/subject-access/family/{family_id}",
        AuditAction.EXPORT,
        officer=True,
    ),
}
ID_KEYS = ("{family}", "{ticket}", "{device}", "{attachment}")
# GET routes that name families or tickets but show no family's personal data, and why.
NOT_AUDITED = {
    "/api/allocations": "allocation rows hold a family's id, nothing that identifies it",
    "/api/tickets": "the queue's rows hold no phone number and no message",
    "/api/support/follow/{token}": "the family's own view of its ticket",
    "/help/t/{token}": "the family's own view of its ticket",
    "/api/privacy/erasures": "the record of erasures holds no personal data",
    "/tickets/{ticket_id}/files/{attachment_id}/thumbnail": (
        "a photo's small copy, shown on the ticket page, whose read is audited"
    ),
    # The desk's pages write a row per ticket shown rather than per family: their own test.
    "/tickets": "audited per ticket: test_the_desk_pages_write_audit_rows",
    "/tickets/{ticket_id}": "audited per ticket: test_the_desk_pages_write_audit_rows",
    # Lists only families without broadband (this world's have it): its own test.
    "/api/reports/connection-routes/families": (
        "audited: test_the_unconnected_families_list_names_them_and_records_the_export"
    ),
    "/connection-routes/families": (
        "audited: test_an_officer_goes_from_a_schools_unconnected_count_to_the_families"
    ),
    "/families/{family_id}/sim-loan": "the lending form names the family by its id only",
}
