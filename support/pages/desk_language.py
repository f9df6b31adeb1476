"""The ticket page's language form: an agent sets the ticket's language, and the family's
too if they tick it, saying why. CSRF-checked; a problem shows the ticket page again (400,
values kept, the reason beside its field, nothing saved); success redirects to the ticket."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import SessionDep
from accounts.staff import DeskStaff
from dfc.errors import DomainError, Forbidden, NotFound
from dfc.web.csrf import CsrfChecked
from support.language_agents import change_by_agent
from support.pages.desk_common import Now
from support.pages.desk_ticket import show_ticket

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form()]


@router.post("/tickets/{ticket_id}/language")
def change_language(
    request: Request,
    _csrf: CsrfChecked,
    ticket_id: int,
    session: SessionDep,
    caller: DeskStaff,
    now: Now,
    new_language: FormText = "",
    language_reason: FormText = "",
    also_family: FormText = "",
) -> Response:
    """The form's fields are named apart from the page's other forms (new_language,
    language_reason, also_family), so each error sits beside its own field."""
    values = {
        "new_language": new_language,
        "language_reason": language_reason,
        "also_family": also_family,
    }
    fields = {"language": "new_language", "reason": "language_reason"}
    errors: dict[str, str] = {}
    if not new_language:
        errors["new_language"] = "Choose a language"
    if not language_reason.strip():
        errors["language_reason"] = "Say why the language changes"
    if not errors:
        try:
            change_by_agent(
                session,
                caller=caller,
                ticket_id=ticket_id,
                language=new_language,
                reason=language_reason,
                also_family=also_family == "yes",
                now=now,
            )
        except DomainError as error:
            if isinstance(error, NotFound | Forbidden) and error.field is None:
                raise
            errors[fields.get(error.field or "language", error.field)] = error.message
    if errors:
        session.rollback()
        return show_ticket(
            request,
            session,
            caller,
            ticket_id,
            now=now,
            values=values,
            errors=errors,
            status_code=400,
        )
    session.commit()
    return RedirectResponse(f"/tickets/{ticket_id}?done=language", status_code=303)
