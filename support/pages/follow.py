"""Following a request by its reference, for a parent who has the reference but not the
private link: they ask for a code, it is texted to the phone on the request, and the code
opens the request once. Every answer is the same whether or not the reference exists. The
right code gives a pass for an hour in a cookie (never in an address), so the request's page
has an address of its own to come back to after a reply."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from accounts.deps import SessionDep
from dfc.i18n import translations
from dfc.settings import get_settings
from dfc.web.csrf import CsrfChecked
from dfc.web.templating import page_language, render
from notifications import consent
from support import follow
from support.models import Ticket
from support.pages.help import take_reply, ticket_view
from support.references import display, normalise

router = APIRouter(include_in_schema=False)
REFERENCE_LENGTH = 8
PASS_COOKIE = "dfc_follow"
REQUEST_PATH = "/help/follow/request"


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
        {
            "step": step,
            "reference": reference,
            "field_errors": field_errors or {},
            "start_number": consent.opt_in_number(),
        },
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
    # Post/Redirect/Get: refreshing the next page shows it again, it does not text again.
    return RedirectResponse(
        f"/help/follow/code?{urlencode({'reference': normalise(reference)})}", status_code=303
    )


@router.get("/help/follow/code")
def code_page(request: Request, reference: str = "") -> Response:
    """Where to enter the texted code. The reference is in the address (the family typed
    it); the code and what it opens never are. Without a reference, start from it."""
    if len(normalise(reference)) != REFERENCE_LENGTH:
        return RedirectResponse("/help/follow", status_code=303)
    return _page(request, step="code", reference=display(normalise(reference)))


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
    # Post/Redirect/Get: the request has an address now, to refresh and to come back to.
    response = RedirectResponse(REQUEST_PATH, status_code=303)
    response.set_cookie(
        PASS_COOKIE,
        follow.follow_pass(ticket),
        max_age=int(follow.PASS_LIFETIME.total_seconds()),
        path=REQUEST_PATH,
        httponly=True,
        samesite="lax",
        secure=get_settings().SECURE_COOKIES,
    )
    return response


def _passed_ticket(request: Request, session: SessionDep) -> Ticket | None:
    return follow.ticket_for_pass(session, request.cookies.get(PASS_COOKIE, ""))


@router.get(REQUEST_PATH)
def request_page(request: Request, session: SessionDep) -> Response:
    """The request the code opened, while its pass lasts; after that, start again."""
    ticket = _passed_ticket(request, session)
    if ticket is None:
        return RedirectResponse("/help/follow", status_code=303)
    return ticket_view(request, session, ticket, reply_path=REQUEST_PATH)


@router.post(REQUEST_PATH)
def reply_by_code(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    message: Annotated[str, Form()] = "",
) -> Response:
    ticket = _passed_ticket(request, session)
    if ticket is None:
        return RedirectResponse("/help/follow", status_code=303)
    return take_reply(request, session, ticket, text=message, back=REQUEST_PATH)
