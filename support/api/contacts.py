"""Each council's points of contact per kind of problem, and the languages agents speak."""

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, EmailStr, Field
from sqlmodel import delete, select

from accounts.deps import ApiCaller, SessionDep
from accounts.models import OrganisationKind, Role
from accounts.organisations import get_organisation
from accounts.users import get_user
from dfc.errors import Forbidden, InvalidInput
from dfc.i18n import BY_CODE
from support.models import AgentLanguage, Category, SupportContact, Team

router = APIRouter(prefix="/api", tags=["support: set-up"])


class ContactBody(BaseModel):
    model_config = ConfigDict(extra="forbid", from_attributes=True)

    category: Category
    team: Team
    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=30)
    email: EmailStr | None = None
    hours: str | None = Field(default=None, max_length=200, description="e.g. Mon-Fri 9-5")


class LanguagesBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    languages: list[str] = Field(description="codes of served languages the agent speaks")


@router.get("/councils/{council_id}/support-contacts")
def list_contacts(council_id: int, session: SessionDep, caller: ApiCaller) -> list[ContactBody]:
    council = get_organisation(
        session, caller=caller, organisation_id=council_id, kind=OrganisationKind.COUNCIL
    )
    rows = session.exec(
        select(SupportContact)
        .where(SupportContact.council_id == council.id)
        .order_by(SupportContact.category)
    )
    return [ContactBody.model_validate(row) for row in rows]


@router.put("/councils/{council_id}/support-contacts")
def set_contact(
    council_id: int, body: ContactBody, session: SessionDep, caller: ApiCaller
) -> ContactBody:
    """Sets whom families contact about one kind of problem (replacing any earlier one)."""
    council = get_organisation(
        session, caller=caller, organisation_id=council_id, kind=OrganisationKind.COUNCIL
    )
    if not caller.has_role(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER):
        raise Forbidden("Only council officers and scheme admins set points of contact")
    contact = session.exec(
        select(SupportContact).where(
            SupportContact.council_id == council.id, SupportContact.category == body.category
        )
    ).first() or SupportContact(
        council_id=council.id, category=body.category, team=body.team, name=body.name
    )
    for field, value in body.model_dump().items():
        setattr(contact, field, value)
    session.add(contact)
    session.commit()
    return ContactBody.model_validate(contact)


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
