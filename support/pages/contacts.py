"""Staff pages where a council or a school says whom its families contact about each kind
of problem: the phone, email and opening hours the families' help pages show. Council
officers set their council's, school staff their school's (support.contacts decides)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from accounts import organisations
from accounts.deps import SessionDep
from accounts.models import Organisation, OrganisationKind, Role
from accounts.staff import staff
from dfc.caller import Caller
from dfc.errors import DomainError
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of, problems_of, values_of
from dfc.web.templating import render
from support import contacts
from support.models import Category, Team
from support.pages.help import CATEGORY_NAMES
from support.schemas import ContactIn

router = APIRouter(include_in_schema=False)
ContactSetter = Annotated[
    Caller, Depends(staff(Role.SCHEME_ADMIN, Role.COUNCIL_OFFICER, Role.SCHOOL_STAFF))
]
TEAM_LABELS = {
    Team.SCHOOL_IT: "The school's IT support",
    Team.COUNCIL_HELPDESK: "The council's helpdesk",
    Team.SUPPLIER: "The company that supplied the device",
    Team.NATIONAL_HELPLINE: "The Devices for Children helpline",
}
FIELDS = ("team", "name", "phone", "email", "hours")
DETAILS = ("name", "phone", "email", "hours")  # all blank: the contact is removed
MESSAGES = {
    "team": "Choose who answers this kind of problem",
    "name": "Enter a name of up to 200 characters",
    "phone": "Enter a phone number families can call, like 020 7974 4444",
    "email": "Enter an email address, like helpdesk@camden.gov.uk",
    "hours": "Enter the opening hours in up to 200 characters",
}
DONE = {"saved": "Contact saved. Families see it now.", "removed": "Contact removed."}


def _page_of(organisation: Organisation) -> str:
    return f"/contacts/{organisation.id}"


@router.get("/contacts")
def my_contacts(request: Request, session: SessionDep, caller: ContactSetter) -> Response:
    """Staff of a council or school go to their own; scheme admins choose a council."""
    if caller.organisation_kind in contacts.HOLDERS:
        return RedirectResponse(f"/contacts/{caller.organisation_id}", status_code=303)
    councils = session.exec(
        organisations.visible_query(caller, kind=OrganisationKind.COUNCIL).order_by(
            Organisation.name, Organisation.id
        )
    ).all()
    return render(
        request, "support/contacts_choose.html", {"councils": councils}, caller=caller, staff=True
    )


@router.get("/contacts/{organisation_id}")
def contacts_page(
    organisation_id: int, request: Request, session: SessionDep, caller: ContactSetter
) -> Response:
    """Each kind of problem: the contact set here, or what families see without one."""
    organisation = contacts.holder(session, caller=caller, organisation_id=organisation_id)
    own = contacts.contacts_of(session, organisation)
    context = {
        "organisation": organisation,
        "rows": [
            {
                "category": line.category,
                "problem": CATEGORY_NAMES[line.category],
                "own": own.get(line.category),
                "team": TEAM_LABELS[line.team],
                "families_see": _families_see(line, organisation),
            }
            for line in contacts.whom_to_contact(session, organisation.id)
        ],
        "done": DONE.get(request.query_params.get("done", "")),
        "schools": (
            contacts.schools_with_own_contacts(session, organisation)
            if organisation.kind is OrganisationKind.COUNCIL
            else []
        ),
    }
    return render(request, "support/contacts.html", context, caller=caller, staff=True)


def _families_see(line: contacts.ContactLine, organisation: Organisation) -> str:
    """What families see for a line, in a few words for staff."""
    if line.contact is None:
        return TEAM_LABELS[line.team]
    whose = "this" if line.contact.organisation_id == organisation.id else "the council's"
    return f"{whose} contact, {line.contact.name or TEAM_LABELS[line.team]}"


def _form(
    request: Request,
    session: SessionDep,
    caller: Caller,
    organisation: Organisation,
    category: Category,
    *,
    values: dict,
    errors: dict[str, str],
) -> Response:
    without = {line.category: line for line in contacts.without_own(session, organisation)}
    context = {
        "organisation": organisation,
        "category": category,
        "problem": CATEGORY_NAMES[category],
        "values": values,
        "field_errors": errors,
        "teams": [(team.value, label) for team, label in TEAM_LABELS.items()],
        "without": _families_see(without[category], organisation),
    }
    return render(
        request,
        "support/contacts_edit.html",
        context,
        caller=caller,
        staff=True,
        status_code=400 if errors else 200,
    )


@router.get("/contacts/{organisation_id}/{category}")
def edit_contact(
    organisation_id: int,
    category: Category,
    request: Request,
    session: SessionDep,
    caller: ContactSetter,
) -> Response:
    organisation = contacts.holder(session, caller=caller, organisation_id=organisation_id)
    own = contacts.contacts_of(session, organisation).get(category)
    values = (
        {field: getattr(own, field) for field in FIELDS}
        if own
        else {"team": contacts.desk_team(organisation).value}
    )
    return _form(request, session, caller, organisation, category, values=values, errors={})


@router.post("/contacts/{organisation_id}/{category}")
async def save_contact(
    organisation_id: int,
    category: Category,
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: ContactSetter,
) -> Response:
    organisation = contacts.holder(session, caller=caller, organisation_id=organisation_id)
    values = {field: values_of(await request.form()).get(field) for field in FIELDS}
    if all(values[field] is None for field in DETAILS):
        contacts.clear_contact(session, organisation=organisation, category=category)
        session.commit()
        return RedirectResponse(f"{_page_of(organisation)}?done=removed", status_code=303)
    try:
        details = ContactIn(**values)
        contacts.set_contact(session, organisation=organisation, category=category, details=details)
    except ValidationError as error:
        errors = problems_of(error, MESSAGES)
    except DomainError as error:
        errors = problem_of(error)
    else:
        session.commit()
        return RedirectResponse(f"{_page_of(organisation)}?done=saved", status_code=303)
    errors = {field: errors[field] for field in FIELDS if field in errors} | errors
    return _form(request, session, caller, organisation, category, values=values, errors=errors)
