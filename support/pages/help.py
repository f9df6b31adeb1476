"""Pages for families, no account needed: ask for help, then follow the request by its
private link. Every string is in the family's language; no page needs JavaScript."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BeforeValidator, ValidationError
from sqlmodel import Session, select

from accounts.deps import SessionDep
from accounts.secrets import secret_hash
from dfc.errors import NotFound
from dfc.i18n import N_, translations
from dfc.web.csrf import CsrfChecked
from dfc.web.templating import page_language, render
from notifications import consent
from support import contacts
from support.family_thread import family_thread
from support.models import Category, Team, Ticket, TicketStatus, Via
from support.references import display
from support.schemas import FAMILY_REPLY_LIMIT, FamilyReply, TicketRequest
from support.tickets import family_can_reply, open_ticket, reply_from_family

router = APIRouter(include_in_schema=False)
CATEGORY_NAMES = {
    Category.WILL_NOT_SWITCH_ON: N_("It will not switch on"),
    Category.BROKEN_SCREEN: N_("The screen is broken"),
    Category.CANNOT_CONNECT: N_("It cannot connect to the internet"),
    Category.DATA_USED_UP: N_("The data has run out"),
    Category.LOCKED_OUT: N_("Locked out or forgotten password"),
    Category.LOST_OR_STOLEN: N_("Lost or stolen"),
    Category.OTHER: N_("Something else"),
}
STATUS_NAMES = {
    TicketStatus.NEW: N_("Received"),
    TicketStatus.OPEN: N_("Being looked at"),
    TicketStatus.WAITING_ON_FAMILY: N_("Waiting for your reply"),
    TicketStatus.RESOLVED: N_("Solved"),
    TicketStatus.CLOSED: N_("Closed"),
}
TEAM_NAMES = {
    Team.SCHOOL_IT: N_("Your child's school"),
    Team.COUNCIL_HELPDESK: N_("Your council's helpdesk"),
    Team.SUPPLIER: N_("The company that supplied the device"),
    Team.NATIONAL_HELPLINE: N_("The Devices for Children helpline"),
}
FIELD_ERRORS = {
    "category": N_("Choose what the problem is"),
    "message": N_("Tell us what is happening"),
    "phone_number": N_("Enter a mobile number, like 07700 900 982"),
    "serial_number": N_("Enter the serial number from the sticker under the laptop"),
}
REPLY_ERROR = N_("Write your reply, up to %(most)s characters")
NO_REQUEST = N_(
    "We cannot find a request for this link. Check the link, or follow your request by its "
    "reference."
)
REPLIED = "replied"  # the query parameter that shows "we have your reply" after a reply


def _form(
    request: Request, *, values: dict, errors: dict[str, str], status_code: int = 200
) -> Response:
    _ = translations(page_language(request).code).gettext
    return render(
        request,
        "support/help_form.html",
        {
            "values": values,
            "field_errors": errors,
            "errors": [{"text": text, "href": f"#{field}"} for field, text in errors.items()],
            "categories": [(category.value, _(name)) for category, name in CATEGORY_NAMES.items()],
        },
        status_code=status_code,
    )


@router.get("/help")
def help_form(request: Request) -> Response:
    return _form(request, values={}, errors={})


@router.post("/help")
def send_help_request(
    request: Request,
    session: SessionDep,
    _csrf: CsrfChecked,
    category: Annotated[str, Form()] = "",
    message: Annotated[str, Form()] = "",
    phone_number: Annotated[str, Form()] = "",
    serial_number: Annotated[str, Form()] = "",
) -> Response:
    language = page_language(request)
    _ = translations(language.code).gettext
    values = {
        "category": category,
        "message": message,
        "phone_number": phone_number,
        "serial_number": serial_number,
    }
    try:
        body = TicketRequest(
            category=category or None,
            message=message,
            phone_number=phone_number or None,
            serial_number=serial_number or None,
            language=language.code,
        )
    except ValidationError as error:
        fields = {str(problem["loc"][0]) for problem in error.errors()}
        errors = {field: _(text) for field, text in FIELD_ERRORS.items() if field in fields}
        return _form(request, values=values, errors=errors, status_code=400)
    opened = open_ticket(
        session,
        text=body.message,
        via=Via.WEB,
        category=body.category,
        phone=body.phone_number,
        serial_number=body.serial_number,
        language=language.code,
    )
    session.commit()
    # Post/Redirect/Get: refreshing the confirmation shows it again, never a second ticket.
    return RedirectResponse(f"/help/sent/{opened.access_token}", status_code=303)


@router.get("/help/sent/{token}")
def help_sent(token: str, request: Request, session: SessionDep) -> Response:
    """The confirmation, at an address of its own that only the family has."""
    ticket = _ticket_for(request, session, token)
    return render(
        request,
        "support/help_sent.html",
        {
            "reference": display(ticket.reference),
            "follow_path": f"/help/t/{token}",
            "texted": bool(ticket.phone_number),
            **texts_view(session, ticket),
        },
    )


def texts_view(session: Session, ticket: Ticket) -> dict[str, object]:
    """Whether texts to the request's phone are off, and where to text START if so."""
    return {
        "texts_are_off": bool(ticket.phone_number)
        and consent.is_opted_out(session, ticket.phone_number),
        "start_number": consent.opt_in_number(),
    }


def _ticket_for(request: Request, session: Session, token: str) -> Ticket:
    ticket = session.exec(select(Ticket).where(Ticket.access_hash == secret_hash(token))).first()
    if ticket is None:
        _ = translations(page_language(request).code).gettext
        raise NotFound(_(NO_REQUEST))
    return ticket


def ticket_view(
    request: Request,
    session: Session,
    ticket: Ticket,
    *,
    reply_path: str,
    reply: str = "",
    reply_error: str | None = None,
) -> Response:
    """What a family sees of their request: its status, whom to contact, the replies, and a
    form to reply (posted to `reply_path`) while the request is not closed."""
    _ = translations(page_language(request).code).gettext
    line = contacts.answer_for(session, ticket.organisation_id, ticket.category)
    errors = {"reply": reply_error} if reply_error else {}
    return render(
        request,
        "support/help_follow.html",
        {
            "reference": display(ticket.reference),
            "status": _(STATUS_NAMES[ticket.status]),
            "category": _(CATEGORY_NAMES[ticket.category]),
            "team": _(TEAM_NAMES[line.team]),
            "contact": line.contact,
            "messages": family_thread(session, ticket),
            "can_reply": family_can_reply(ticket),
            "reply_path": reply_path,
            "reply": reply,
            "replied": REPLIED in request.query_params,
            "field_errors": errors,
            "errors": [{"text": text, "href": f"#{field}"} for field, text in errors.items()],
            "reply_limit": FAMILY_REPLY_LIMIT,
            **texts_view(session, ticket),
        },
        status_code=400 if errors else 200,
    )


def take_reply(
    request: Request, session: Session, ticket: Ticket, *, text: str, back: str
) -> Response:
    """A family's reply from the follow page, then back to the page (Post/Redirect/Get);
    a reply too short or too long is shown again with what to fix."""
    _ = translations(page_language(request).code).gettext
    if not family_can_reply(ticket):
        return RedirectResponse(back, status_code=303)  # the page says it is closed
    try:
        body = FamilyReply(message=text)
    except ValidationError:
        return ticket_view(request, session, ticket, reply_path=back, reply=text,
                           reply_error=_(REPLY_ERROR) % {"most": FAMILY_REPLY_LIMIT})  # fmt: skip
    reply_from_family(session, ticket=ticket, text=body.message)
    session.commit()
    return RedirectResponse(f"{back}?{REPLIED}=1#messages", status_code=303)


@router.get("/help/t/{token}")
def follow_page(token: str, request: Request, session: SessionDep) -> Response:
    ticket = _ticket_for(request, session, token)
    return ticket_view(request, session, ticket, reply_path=f"/help/t/{token}")


@router.post("/help/t/{token}")
def reply_by_link(
    token: str,
    request: Request,
    session: SessionDep,
    _csrf: CsrfChecked,
    message: Annotated[str, Form()] = "",
) -> Response:
    ticket = _ticket_for(request, session, token)
    back = f"/help/t/{token}"
    return take_reply(request, session, ticket, text=message, back=back)


@router.get("/help/contacts")
def contacts_page(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    school: Annotated[int | None, BeforeValidator(lambda value: value or None)] = None,
) -> Response:
    """Whom to contact for each kind of problem, once the family has found their school."""
    _ = translations(page_language(request).code).gettext
    context: dict = {"search": (q or "").strip(), "errors": [], "field_errors": {}}
    if school is not None:
        try:
            found = contacts.get_school(session, school)
        except NotFound:
            raise NotFound(_("We cannot find that school. Search for it again.")) from None
        context["school"] = found
        context["lines"] = [
            {
                "problem": _(CATEGORY_NAMES[line.category]),
                "team": _(TEAM_NAMES[line.team]),
                "contact": line.contact,
            }
            for line in contacts.whom_to_contact(session, found.id)
        ]
    elif q is not None:
        if len(context["search"]) < contacts.SHORTEST_SEARCH:
            problem = _("Enter at least 2 letters of the school's name")
            context["field_errors"] = {"q": problem}
            context["errors"] = [{"text": problem, "href": "#q"}]
            return render(request, "support/help_contacts.html", context, status_code=400)
        found_schools = contacts.find_schools(session, context["search"])
        context["schools"] = found_schools[: contacts.MOST_SCHOOLS]
        context["more"] = len(found_schools) > contacts.MOST_SCHOOLS
    return render(request, "support/help_contacts.html", context)
