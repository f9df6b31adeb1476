"""The ticket page's language form: an agent sets the ticket's language, and the family's
too if they tick it, saying why. Answered as the page's other forms are (desk_forms)."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from support.language_agents import change_by_agent
from support.pages.desk_forms import Outcome, TicketForm

router = APIRouter(include_in_schema=False)
FormText = Annotated[str, Form()]


@router.post("/tickets/{ticket_id}/language")
def change_language(
    form: TicketForm,
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
    errors: dict[str, str] = {}
    if not new_language:
        errors["new_language"] = "Choose a language"
    if not language_reason.strip():
        errors["language_reason"] = "Say why the language changes"
    if errors:
        return form.failed(values, errors)

    def change() -> Outcome:
        change_by_agent(
            form.session,
            caller=form.caller,
            ticket_id=form.ticket_id,
            language=new_language,
            reason=language_reason,
            also_family=also_family == "yes",
            now=form.now,
        )
        return form.ticket_id, "language"

    return form.act(
        values,
        field="new_language",
        action=change,
        renamed={"language": "new_language", "reason": "language_reason"},
    )
