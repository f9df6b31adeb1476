"""Each council's and school's points of contact per kind of problem, whom a school's
families contact by the one rule, and the languages agents speak."""

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import delete

from accounts.deps import ApiCaller, SessionDep
from accounts.models import OrganisationKind, Role
from accounts.organisations import get_organisation
from accounts.users import get_user
from dfc.errors import Forbidden, InvalidInput
from dfc.i18n import BY_CODE
from support import contacts
from support.models import AgentLanguage, Category
from support.schemas import ContactBody, ContactIn, ContactLinePublic

router = APIRouter(prefix="/api", tags=["support: set-up"])
HOLDER_PATHS = {OrganisationKind.COUNCIL: "councils", OrganisationKind.SCHOOL: "schools"}


class LanguagesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    languages: list[str] = Field(description="codes of served languages the agent speaks")


def _contact_routes(kind: OrganisationKind) -> None:
    """The same three routes for a council's contacts and a school's own."""
    path = f"/{HOLDER_PATHS[kind]}/{{organisation_id}}/support-contacts"

    def list_contacts(
        organisation_id: int, session: SessionDep, caller: ApiCaller
    ) -> list[ContactBody]:
        organisation = contacts.holder(
            session, caller=caller, organisation_id=organisation_id, kind=kind
        )
        found = contacts.contacts_of(session, organisation)
        return [ContactBody.model_validate(found[category]) for category in sorted(found)]

    def set_contact(
        organisation_id: int, body: ContactBody, session: SessionDep, caller: ApiCaller
    ) -> ContactBody:
        organisation = contacts.holder(
            session, caller=caller, organisation_id=organisation_id, kind=kind
        )
        details = ContactIn.model_validate(body.model_dump(exclude={"category"}))
        contact = contacts.set_contact(
            session, organisation=organisation, category=body.category, details=details
        )
        session.commit()
        return ContactBody.model_validate(contact)

    def clear_contact(
        organisation_id: int, category: Category, session: SessionDep, caller: ApiCaller
    ) -> Response:
        organisation = contacts.holder(
            session, caller=caller, organisation_id=organisation_id, kind=kind
        )
        contacts.clear_contact(session, organisation=organisation, category=category)
        session.commit()
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    noun = kind.value
    router.get(path, summary=f"A {noun}'s points of contact")(list_contacts)
    router.put(
        path,
        summary=f"Set a {noun}'s point of contact for one kind of problem",
        description="Replaces any earlier one. A phone number or an email address is needed. "
        "A school's own contact comes before its council's.",
    )(set_contact)
    router.delete(
        f"{path}/{{category}}",
        status_code=status.HTTP_204_NO_CONTENT,
        summary=f"Remove a {noun}'s point of contact for one kind of problem",
    )(clear_contact)


for _kind in HOLDER_PATHS:
    _contact_routes(_kind)


@router.get("/schools/{school_id}/whom-to-contact")
def whom_to_contact(
    school_id: int, session: SessionDep, caller: ApiCaller
) -> list[ContactLinePublic]:
    """Who answers each kind of problem for this school's families, as the families' help
    page shows it: the school's own contact, else its council's, else the desk's team."""
    school = get_organisation(
        session, caller=caller, organisation_id=school_id, kind=OrganisationKind.SCHOOL
    )
    return [
        ContactLinePublic(
            category=line.category,
            team=line.team,
            set_by_organisation_id=line.contact.organisation_id if line.contact else None,
            name=line.contact.name if line.contact else None,
            phone=line.contact.phone if line.contact else None,
            email=line.contact.email if line.contact else None,
            hours=line.contact.hours if line.contact else None,
        )
        for line in contacts.whom_to_contact(session, school.id)
    ]


@router.put("/users/{user_id}/languages")
def set_languages(
    user_id: int, body: LanguagesBody, session: SessionDep, caller: ApiCaller
) -> LanguagesBody:
    """The languages an agent replies in; the queue can be filtered by them."""
    user = get_user(session, caller=caller, user_id=user_id)
    if user.id != caller.user_id and not caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        raise Forbidden("You can set your own languages; managers can set anyone's")
    unknown = [code for code in body.languages if code not in BY_CODE]
    if unknown:
        raise InvalidInput(
            f"Not served: {', '.join(unknown)}; use: {', '.join(BY_CODE)}", field="languages"
        )
    session.execute(delete(AgentLanguage).where(AgentLanguage.user_id == user.id))
    session.add_all(
        [AgentLanguage(user_id=user.id, language=code) for code in dict.fromkeys(body.languages)]
    )
    session.commit()
    return LanguagesBody(languages=list(dict.fromkeys(body.languages)))
