"""Following a request by its reference, for a parent who has the reference but not the
private link: they ask for a code, it is texted to the phone on the request, and the code
opens the request once. Every answer is the same whether or not the reference exists."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import SessionDep
from dfc.i18n import translations
from dfc.web.csrf import CsrfChecked
from dfc.web.templating import page_language, render
from support import follow
from support.pages.help import ticket_view
from support.references import normalise

router = APIRouter(include_in_schema=False)
REFERENCE_LENGTH = 8


def _page(
    request: Request,
    *,
    step: str,
    reference: str = "",
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "support/help_follow_reference.html",
        {"step": step, "reference": reference, "field_errors": field_errors or {}},
        status_code=status_code,
    )


@router.get("/help/follow")
def reference_form(request: Request) -> Response:
    return _page(request, step="reference")


@router.post("/help/follow")
def send_code(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    reference: Annotated[str, Form()] = "",
) -> Response:
    _ = translations(page_language(request).code).gettext
    if len(normalise(reference)) != REFERENCE_LENGTH:
        problem = _("Enter your reference, like K7RM-3QXP")
        return _page(request, step="reference", reference=reference,
                     field_errors={"reference": problem}, status_code=400)  # fmt: skip
    follow.send_code(session, reference=reference)
    session.commit()
    return _page(request, step="code", reference=reference)


@router.get("/help/follow/code")
def code_page_reopened() -> Response:
    """Reopened or refreshed after the code was sent: start again from the reference (the
    code and what it opened are never kept in an address)."""
    return RedirectResponse("/help/follow", status_code=303)


@router.post("/help/follow/code")
def check_code(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    reference: Annotated[str, Form()] = "",
    code: Annotated[str, Form()] = "",
) -> Response:
    _ = translations(page_language(request).code).gettext
    ticket = None
    if code.strip():
        ticket = follow.check_code(session, reference=reference, code=code)
        session.commit()  # a wrong try counts even though the answer is an error
    if ticket is None:
        problem = (
            _("The reference or code is not right, or the code has expired")
            if code.strip()
            else _("Enter the 6-digit code from the text message")
        )
        return _page(request, step="code", reference=reference,
                     field_errors={"code": problem}, status_code=400)  # fmt: skip
    return ticket_view(request, session, ticket)
