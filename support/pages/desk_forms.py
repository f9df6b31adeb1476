"""What every form on the ticket page shares: the CSRF check (first), a caller who works
tickets, the ticket, the desk's clock, and one way to answer. A problem shows the ticket
page again with status 400, the values kept, the reason beside its field and nothing saved;
success redirects to the ticket (post, redirect, get)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from accounts.deps import SessionDep
from accounts.staff import DeskStaff
from dfc.caller import Caller
from dfc.errors import DomainError, Forbidden, NotFound
from dfc.web.csrf import CsrfChecked
from support.pages.desk_common import Now
from support.pages.desk_ticket import show_ticket

# An action answers with the ticket to show next and what to say was done.
Outcome = tuple[int, str]


@dataclass(frozen=True)
class PostedTicketForm:
    request: Request
    session: Session
    caller: Caller
    ticket_id: int
    now: datetime

    def failed(self, values: dict[str, str], errors: dict[str, str]) -> Response:
        """The ticket page again (400) with `values` kept and `errors` beside their fields;
        whatever the form had changed is rolled back."""
        self.session.rollback()
        return show_ticket(
            self.request,
            self.session,
            self.caller,
            self.ticket_id,
            now=self.now,
            values=values,
            errors=errors,
            status_code=400,
        )

    def act(
        self,
        values: dict[str, str],
        *,
        field: str,
        action: Callable[[], Outcome],
        renamed: dict[str, str] | None = None,
    ) -> Response:
        """Runs `action`; a refused rule becomes the form's problem, beside `field` unless the
        rule names its own (the service's name, `renamed` to the form's where they differ).
        The ticket itself missing (or another organisation's) stays a 404."""
        try:
            shown, done = action()
        except DomainError as error:
            if isinstance(error, NotFound | Forbidden) and error.field is None:
                raise
            named = error.field and (renamed or {}).get(error.field, error.field)
            return self.failed(values, {named or field: error.message})
        self.session.commit()
        return RedirectResponse(f"/tickets/{shown}?done={done}", status_code=303)


async def _posted_form(  # async: no thread just to gather what FastAPI has resolved
    request: Request,
    _csrf: CsrfChecked,
    ticket_id: int,
    session: SessionDep,
    caller: DeskStaff,
    now: Now,
) -> PostedTicketForm:
    return PostedTicketForm(request, session, caller, ticket_id, now)


TicketForm = Annotated[PostedTicketForm, Depends(_posted_form)]
