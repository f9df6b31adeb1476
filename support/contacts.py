"""Whom a school's families contact about each kind of problem, and finding the school by
its name or its council's, for the families' page (no sign-in: school names and points of
contact are public, nothing about a family is shown)."""

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind
from dfc.errors import NotFound
from support.models import Category, SupportContact, Team
from support.routing import council_of, route

MOST_SCHOOLS = 20
SHORTEST_SEARCH = 2


@dataclass(frozen=True)
class School:
    id: int
    name: str
    council: str


@dataclass(frozen=True)
class ContactLine:
    """One kind of problem and who answers it: the council's named contact if it set one,
    else the team the desk routes it to."""

    category: Category
    team: Team
    contact: SupportContact | None


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _schools():
    council = aliased(Organisation)
    return (
        select(Organisation.id, Organisation.name, council.name)
        .join(council, council.id == Organisation.council_id)
        .where(Organisation.kind == OrganisationKind.SCHOOL)
    ), council


def find_schools(session: Session, search: str, *, most: int = MOST_SCHOOLS) -> list[School]:
    """Schools whose name, or whose council's name, contains `search`, by name: at most
    `most` and one more, so the page can say there are more."""
    statement, council = _schools()
    pattern = _like(search.strip())
    statement = statement.where(
        or_(
            func.lower(Organisation.name).like(pattern, escape="\\"),
            func.lower(council.name).like(pattern, escape="\\"),
        )
    )
    rows = session.exec(statement.order_by(Organisation.name, Organisation.id).limit(most + 1))
    return [School(*row) for row in rows]


def get_school(session: Session, school_id: int) -> School:
    statement, _council = _schools()
    row = session.exec(statement.where(Organisation.id == school_id)).first()
    if row is None:
        raise NotFound(f"No school with id {school_id}", field="school")
    return School(*row)


def whom_to_contact(session: Session, school_id: int) -> list[ContactLine]:
    """Every kind of problem with who answers it for this school's families."""
    council_id = council_of(session, school_id)
    named = {
        contact.category: contact
        for contact in session.exec(
            select(SupportContact).where(SupportContact.council_id == council_id)
        )
    }
    return [
        ContactLine(
            category=category,
            team=named[category].team if category in named else route(session, school_id, category),
            contact=named.get(category),
        )
        for category in Category
    ]
