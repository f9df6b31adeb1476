"""Who answers a ticket: the council's point of contact for its kind of problem."""

from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from support.models import Category, SupportContact, Team, TicketPriority

URGENT_CATEGORIES = {Category.LOST_OR_STOLEN: TicketPriority.HIGH}


def council_of(session: Session, organisation_id: int) -> int | None:
    organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        return None
    if organisation.kind is OrganisationKind.COUNCIL:
        return organisation.id
    return organisation.council_id


def contact_for(
    session: Session, organisation_id: int, category: Category
) -> SupportContact | None:
    council_id = council_of(session, organisation_id)
    if council_id is None:
        return None
    return session.exec(
        select(SupportContact).where(
            SupportContact.council_id == council_id, SupportContact.category == category
        )
    ).first()


def route(session: Session, organisation_id: int, category: Category) -> Team:
    """The council's chosen team for this kind of problem; otherwise the school's IT for a
    school's family, the council helpdesk for a council's, the national helpline else."""
    contact = contact_for(session, organisation_id, category)
    if contact is not None:
        return contact.team
    organisation = session.get(Organisation, organisation_id)
    if organisation is not None and organisation.kind is OrganisationKind.SCHOOL:
        return Team.SCHOOL_IT
    if organisation is not None and organisation.kind is OrganisationKind.COUNCIL:
        return Team.COUNCIL_HELPDESK
    return Team.NATIONAL_HELPLINE


def priority_for(category: Category) -> TicketPriority:
    return URGENT_CATEGORIES.get(category, TicketPriority.NORMAL)
