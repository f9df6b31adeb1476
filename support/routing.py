"""Who answers a ticket: the team of the contact for its kind of problem (support.contacts
holds the rule), and how urgent it is."""

from sqlmodel import Session

from support.contacts import answer_for
from support.models import Category, Team, TicketPriority

URGENT_CATEGORIES = {Category.LOST_OR_STOLEN: TicketPriority.HIGH}


def route(session: Session, organisation_id: int, category: Category) -> Team:
    """The school's own contact's team for this kind of problem, else its council's, else
    the school's IT, the council helpdesk or the national helpline."""
    return answer_for(session, organisation_id, category).team


def priority_for(category: Category) -> TicketPriority:
    return URGENT_CATEGORIES.get(category, TicketPriority.NORMAL)
