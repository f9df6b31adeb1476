"""Whom families contact about each kind of problem, and the one rule for it: the school's
own contact for that kind of problem, else its council's, else the team the desk routes it
to. Councils and schools set their own contacts here; the families' page finds a school by
its name or its council's (no sign-in: school names and points of contact are public,
nothing about a family is shown)."""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from accounts.models import Organisation, OrganisationKind, Role
from accounts.organisations import get_organisation
from devices import family_contacts
from devices.family_contacts import FamilyContact
from dfc.caller import Caller
from dfc.errors import Forbidden, InvalidInput, NotFound
from support.models import Category, SupportContact, Team
from support.schemas import ContactIn

MOST_SCHOOLS = 20
SHORTEST_SEARCH = 2
HOLDERS = (OrganisationKind.COUNCIL, OrganisationKind.SCHOOL)


@dataclass(frozen=True)
class School:
    id: int
    name: str
    council: str


@dataclass(frozen=True)
class ContactLine:
    """One kind of problem and who answers it: the contact the school or its council set,
    if either did, else the team the desk routes it to."""

    category: Category
    team: Team
    contact: SupportContact | None


def desk_team(organisation: Organisation | None) -> Team:
    """Who answers when no contact is set: the school's IT for a school's family, the
    council helpdesk for a council's, the national helpline else."""
    if organisation is not None and organisation.kind is OrganisationKind.SCHOOL:
        return Team.SCHOOL_IT
    if organisation is not None and organisation.kind is OrganisationKind.COUNCIL:
        return Team.COUNCIL_HELPDESK
    return Team.NATIONAL_HELPLINE


def _answers(
    session: Session,
    organisation: Organisation | None,
    categories: list[Category],
    *,
    own: bool = True,
) -> list[ContactLine]:
    """The rule for one organisation and any number of kinds of problem, in one query."""
    if organisation is None:
        return [ContactLine(category, desk_team(None), None) for category in categories]
    return _answers_for_many(session, [organisation], categories, own=own)[organisation.id]


def _answers_for_many(
    session: Session,
    organisations: list[Organisation],
    categories: list[Category],
    *,
    own: bool = True,
) -> dict[int, list[ContactLine]]:
    """The rule, for many organisations and kinds of problem in one query: each one's own
    contact first (unless not `own`), then its council's, then the desk's team."""
    places = {
        organisation.id: [
            place
            for place in (organisation.id if own else None, organisation.council_id)
            if place is not None
        ]
        for organisation in organisations
    }
    by_place: dict[int, list[SupportContact]] = defaultdict(list)
    for row in session.exec(
        select(SupportContact).where(
            SupportContact.organisation_id.in_({p for each in places.values() for p in each}),
            SupportContact.category.in_(categories),
        )
    ):
        by_place[row.organisation_id].append(row)
    answers: dict[int, list[ContactLine]] = {}
    for organisation in organisations:
        found: dict[Category, SupportContact] = {}
        for place in reversed(places[organisation.id]):
            for row in by_place[place]:
                found[row.category] = row  # the nearer organisation's contact is written last
        answers[organisation.id] = [
            ContactLine(
                category=category,
                team=found[category].team if category in found else desk_team(organisation),
                contact=found.get(category),
            )
            for category in categories
        ]
    return answers


def answer_for(session: Session, organisation_id: int, category: Category) -> ContactLine:
    """Who answers this kind of problem for a family of this school (or council)."""
    return _answers(session, session.get(Organisation, organisation_id), [category])[0]


def whom_to_contact(session: Session, school_id: int) -> list[ContactLine]:
    """Every kind of problem with who answers it for this school's families."""
    return _answers(session, session.get(Organisation, school_id), list(Category))


def without_own(session: Session, organisation: Organisation) -> list[ContactLine]:
    """Who would answer each kind of problem if this organisation set no contact itself."""
    return _answers(session, organisation, list(Category), own=False)


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


def may_set_contacts(caller: Caller, organisation: Organisation) -> bool:
    """Scheme admins and council officers for the councils and schools they reach; school
    staff for their own school."""
    if caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        return True
    return caller.has_role(Role.SCHOOL_STAFF) and caller.organisation_id == organisation.id


def holder(
    session: Session, *, caller: Caller, organisation_id: int, kind: OrganisationKind | None = None
) -> Organisation:
    """A council or school the caller may set contacts for; one they cannot reach is not
    found, one they reach but may not change is forbidden."""
    organisation = get_organisation(
        session, caller=caller, organisation_id=organisation_id, kind=kind
    )
    if organisation.kind not in HOLDERS:
        raise NotFound(f"No council or school with id {organisation_id}")
    if not may_set_contacts(caller, organisation):
        raise Forbidden(
            "Council officers set their council's contacts; school staff their school's"
        )
    return organisation


def contacts_of(session: Session, organisation: Organisation) -> dict[Category, SupportContact]:
    """The contacts this council or school set itself, by kind of problem."""
    rows = session.exec(
        select(SupportContact).where(SupportContact.organisation_id == organisation.id)
    )
    return {row.category: row for row in rows}


def schools_with_own_contacts(
    session: Session, council: Organisation
) -> list[tuple[int, str, int]]:
    """The council's schools that set contacts of their own, with how many, by name."""
    statement = (
        select(Organisation.id, Organisation.name, func.count(SupportContact.id))
        .join(SupportContact, SupportContact.organisation_id == Organisation.id)
        .where(Organisation.kind == OrganisationKind.SCHOOL, Organisation.council_id == council.id)
        .group_by(Organisation.id, Organisation.name)
        .order_by(Organisation.name, Organisation.id)
    )
    return [tuple(row) for row in session.exec(statement)]


def set_contact(
    session: Session, *, organisation: Organisation, category: Category, details: ContactIn
) -> SupportContact:
    """Sets whom families contact about one kind of problem, replacing any earlier one.
    `organisation` comes from `holder`, which checked the caller may."""
    if not details.phone and not details.email:
        raise InvalidInput(
            "Enter a phone number or an email address, so families can reach them",
            field="phone",
        )
    contact = contacts_of(session, organisation).get(category) or SupportContact(
        organisation_id=organisation.id, category=category, team=details.team
    )
    for field, value in details.model_dump().items():
        setattr(contact, field, value)
    session.add(contact)
    session.flush()
    return contact


def clear_contact(session: Session, *, organisation: Organisation, category: Category) -> None:
    """Families of this organisation go back to the next contact in the rule."""
    contact = contacts_of(session, organisation).get(category)
    if contact is not None:
        session.delete(contact)
        session.flush()


# What each of the register's alert texts is about, as a kind of problem; several things
# at once, or anything else, go to the contact for "something else".
ALERT_TOPICS = {
    "connectivity-ending": Category.CANNOT_CONNECT,
    "data-nearly-used": Category.DATA_USED_UP,
    "data-used-up": Category.DATA_USED_UP,
}


def contacts_for_alerts(
    session: Session, organisation_ids: Collection[int], topic: str
) -> dict[int, FamilyContact]:
    """Whom each organisation's families contact about an alert, by the families' page's
    rule: the contact's name (else the school's or council's that set it) and phone. A
    family whose school and council set no contact gets none here: the register names
    the school."""
    category = ALERT_TOPICS.get(topic, Category.OTHER)
    organisations = list(
        session.exec(select(Organisation).where(Organisation.id.in_(set(organisation_ids))))
    )
    lines = _answers_for_many(session, organisations, [category])
    set_by = {line.contact.organisation_id for [line] in lines.values() if line.contact}
    names = {
        organisation_id: name
        for organisation_id, name in session.exec(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(set_by))
        )
    }
    return {
        organisation_id: FamilyContact(
            line.contact.name or names[line.contact.organisation_id], line.contact.phone
        )
        for organisation_id, [line] in lines.items()
        if line.contact is not None
    }


family_contacts.use(contacts_for_alerts)
