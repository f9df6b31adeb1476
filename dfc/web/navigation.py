"""The service navigation: the sections each role works in, in the visitor's language."""

from dataclasses import dataclass

from dfc.caller import Caller, Role
from dfc.i18n import N_

ADMIN, OFFICER, SCHOOL, AGENT, NETWORK = (
    Role.SCHEME_ADMIN,
    Role.COUNCIL_OFFICER,
    Role.SCHOOL_STAFF,
    Role.SUPPORT_AGENT,
    Role.NETWORK_USER,
)


@dataclass(frozen=True)
class Section:
    href: str
    label: str
    roles: tuple[Role, ...]


SECTIONS = (
    Section("/dashboard", N_("Dashboard"), (ADMIN, OFFICER)),
    Section("/devices", N_("Devices"), (ADMIN, OFFICER, SCHOOL)),
    Section("/families", N_("Families"), (ADMIN, OFFICER, SCHOOL)),
    Section("/loans", N_("Loans"), (ADMIN, OFFICER, SCHOOL)),
    Section("/check-ins", N_("Check-ins"), (ADMIN, OFFICER, SCHOOL)),
    Section("/requests", N_("Requests"), (ADMIN, OFFICER, SCHOOL)),
    Section("/imports", N_("Imports"), (ADMIN, OFFICER, SCHOOL)),
    Section("/uplifts", N_("Data uplifts"), (ADMIN, OFFICER, SCHOOL, NETWORK)),
    Section("/tickets", N_("Tickets"), (ADMIN, OFFICER, SCHOOL, AGENT)),
    Section("/contacts", N_("Contacts for families"), (ADMIN, OFFICER, SCHOOL)),
    Section("/admin", N_("Administration"), (ADMIN, OFFICER)),
    Section("/outbox", N_("Outbox"), (ADMIN, OFFICER, AGENT)),
    Section("/privacy", N_("Data protection"), (ADMIN, OFFICER)),
)


def sections_for(caller: Caller | None, path: str, gettext) -> list[dict]:
    """govukServiceNavigation items for this caller, the current section marked active."""
    if caller is None:
        return []
    items = [{"href": "/", "text": gettext("Home"), "active": path == "/"}]
    for section in SECTIONS:
        if caller.role in section.roles:
            active = path == section.href or path.startswith(section.href + "/")
            items.append({"href": section.href, "text": gettext(section.label), "active": active})
    return items
