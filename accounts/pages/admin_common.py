"""What every administration page shares: the form's values, the success banner's fixed
messages, redirects after a form, and a secret shown once after a redirect."""

from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlmodel import Session

from accounts import organisations
from accounts.models import Organisation, OrganisationKind, Role, SchoolPhase
from dfc.caller import Caller
from dfc.errors import NotFound
from dfc.settings import get_settings
from dfc.web.forms import problems_of, values_of

# The banner after a form says one of these; the URL names the key, never the text, so
# nobody can make the page say something of their choosing.
DONE_MESSAGES = {
    "council-added": "Council added.",
    "school-added": "School added.",
    "school-saved": "School changes saved.",
    "school-deleted": "School removed.",
    "user-added": "User added.",
    "user-saved": "User changes saved.",
    "user-deleted": "User removed.",
    "key-created": "API key created.",
    "key-revoked": "API key revoked. It no longer works.",
}
ROLE_LABELS = {
    Role.SCHEME_ADMIN: "Scheme administrator",
    Role.COUNCIL_OFFICER: "Council officer",
    Role.SCHOOL_STAFF: "School staff",
    Role.SUPPORT_AGENT: "Support agent",
    Role.NETWORK_USER: "Mobile network user",
}
PHASE_LABELS = {
    SchoolPhase.NURSERY: "Nursery",
    SchoolPhase.PRIMARY: "Primary",
    SchoolPhase.MIDDLE: "Middle",
    SchoolPhase.SECONDARY: "Secondary",
    SchoolPhase.ALL_THROUGH: "All-through",
    SchoolPhase.SPECIAL: "Special",
    SchoolPhase.ALTERNATIVE_PROVISION: "Alternative provision",
    SchoolPhase.SIXTEEN_PLUS: "16 plus",
}
KIND_GROUPS = {
    OrganisationKind.SCHEME: "Scheme",
    OrganisationKind.COUNCIL: "Councils",
    OrganisationKind.TRUST: "Trusts",
    OrganisationKind.SCHOOL: "Schools",
    OrganisationKind.NETWORK: "Mobile networks",
}
ONCE_COOKIE = "dfc_once"
ONCE_SECONDS = 300


async def _form_values(request: Request) -> dict[str, Any]:
    return values_of(await request.form())


FormValues = Annotated[dict[str, Any], Depends(_form_values)]


def done_message(request: Request) -> str | None:
    return DONE_MESSAGES.get(request.query_params.get("done", ""))


def see_other(url: str, *, done: str | None = None) -> RedirectResponse:
    """Redirect after a successful form, naming the banner message to show."""
    if done is not None:
        url = f"{url}?done={done}"
    return RedirectResponse(url, status_code=303)


def validated(
    schema: type[BaseModel],
    values: Mapping[str, Any],
    fields: Iterable[str],
    messages: Mapping[str, str],
    required: Iterable[str] = (),
) -> tuple[BaseModel | None, dict[str, str]]:
    """The API's schema built from the form's `fields`, or the problems by field. A field in
    `required` must be filled even where the schema would let it be left out."""
    data = {field: values.get(field) for field in fields}
    problems = {field: messages[field] for field in required if data.get(field) is None}
    model = None
    try:
        model = schema(**{key: value for key, value in data.items() if key not in problems})
    except ValidationError as error:
        problems |= problems_of(error, messages)
    if not problems:
        return model, {}
    # In the form's order, so the error summary reads top to bottom like the form.
    return None, {field: problems[field] for field in data if field in problems} | problems


PICKER_LIMIT = 200  # more organisations than this: find them by name or URN first


@dataclass(frozen=True)
class OrganisationPicker:
    """What an "organisation" field offers: every organisation the caller reaches, or, for
    a national administrator who reaches thousands, those matching a search."""

    groups: list[tuple[str, list]]
    searching: bool
    search: str
    shown: int


def organisation_picker(
    session: Session, caller: Caller, *, search: str | None, chosen: Any
) -> OrganisationPicker:
    reached = sum(organisations.count_by_kind(session, caller=caller).values())
    search = (search or "").strip()
    if reached <= PICKER_LIMIT:
        found = organisations.organisation_choices(session, caller=caller)
        return OrganisationPicker(organisation_groups(found), False, "", len(found))
    found = (
        organisations.organisation_choices(
            session, caller=caller, search=search, limit=PICKER_LIMIT
        )
        if search
        else []
    )
    if str(chosen or "").isdigit() and all(o.id != int(chosen) for o in found):
        # The one already chosen stays offered; one they cannot reach is refused on saving.
        with suppress(NotFound):
            chosen_one = organisations.get_organisation(
                session, caller=caller, organisation_id=int(chosen)
            )
            found.insert(0, chosen_one)
    return OrganisationPicker(organisation_groups(found), True, search, len(found))


def organisation_groups(organisations: Iterable[Organisation]) -> list[tuple[str, list]]:
    """Organisations grouped by kind, for a select with one option group per kind."""
    groups: dict[OrganisationKind, list[tuple[int, str]]] = {kind: [] for kind in KIND_GROUPS}
    for organisation in organisations:
        label = organisation.name + (f" (URN {organisation.urn})" if organisation.urn else "")
        groups[organisation.kind].append((organisation.id, label))
    return [(KIND_GROUPS[kind], choices) for kind, choices in groups.items() if choices]


def keep_secret_once(response: Response, *, path: str, secret: str) -> Response:
    """Hands a new secret to the next page only: a short-lived cookie for that one path,
    which that page reads and deletes. It never goes in a URL or the database."""
    response.set_cookie(
        ONCE_COOKIE,
        secret,
        max_age=ONCE_SECONDS,
        path=path,
        httponly=True,
        samesite="strict",
        secure=get_settings().SECURE_COOKIES,
    )
    return response


def take_secret_once(request: Request) -> str | None:
    return request.cookies.get(ONCE_COOKIE) or None


def forget_secret(response: Response, *, path: str) -> Response:
    """The secret has been shown: delete it, and keep the page out of every cache."""
    response.delete_cookie(ONCE_COOKIE, path=path)
    response.headers["Cache-Control"] = "no-store"
    return response
