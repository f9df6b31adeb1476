"""API keys: the list, making a key (its secret shown once, on the key's page), and
revoking a key so it stops working at once."""

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts import api_keys, key_agreements, organisations
from accounts.deps import SessionDep
from accounts.pages.admin_common import (
    FormValues,
    done_message,
    forget_secret,
    keep_secret_once,
    organisation_picker,
    see_other,
    take_secret_once,
    validated,
)
from accounts.schemas import ApiKeyCreate
from accounts.staff import CouncilStaff
from dfc.caller import Caller
from dfc.errors import DomainError
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of
from dfc.web.templating import render

router = APIRouter()
KEY_CSV_COLUMNS = (
    "id",
    "name",
    "prefix",
    "organisation_id",
    "organisation_name",
    "created_at",
    "last_used_at",
    "revoked_at",
)
MESSAGES = {
    "name": "Enter who will use the key, like 'Supplier X manifests' (up to 100 characters)",
    "organisation_id": "Choose the organisation the key acts for",
    "agreement_id": "Choose a sharing agreement from the list, or none",
}
STATUS_CHOICES = [("live", "Live"), ("revoked", "Revoked")]


@router.get("/admin/api-keys")
def key_list(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
    status: Literal["live", "revoked"] | None = None,
    search: str | None = None,
) -> Response:
    revoked = None if status is None else status == "revoked"
    result = listing(
        session,
        api_keys.key_summaries(caller, revoked=revoked, search=search),
        paging,
        sortable=api_keys.SUMMARY_SORTABLE,
        default_sort="-created_at",
        columns=KEY_CSV_COLUMNS,
        filename="api-keys.csv",
    )
    if isinstance(result, Response):
        return result
    context = {
        "keys": result,
        "status_choices": STATUS_CHOICES,
        "filters": {"status": status, "search": search},
        "default_sort": "-created_at",
        "done": done_message(request),
    }
    return render(request, "accounts/admin_keys.html", context, caller=caller, staff=True)


def _new_form(
    request: Request, session, caller: Caller, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    picker = organisation_picker(
        session,
        caller,
        search=request.query_params.get("find"),
        chosen=values.get("organisation_id"),
    )
    context = {
        "values": values,
        "field_errors": errors,
        "organisations": picker.groups,
        "picker": picker,
        "agreements": [
            (agreement.id, f"{agreement.reference}, until {agreement.ends_on.isoformat()}")
            for agreement in key_agreements.agreement_choices(session, caller=caller)
        ],
    }
    status_code = 400 if errors else 200
    return render(
        request,
        "accounts/admin_key_new.html",
        context,
        caller=caller,
        status_code=status_code,
        staff=True,
    )


@router.get("/admin/api-keys/new")
def new_key(
    request: Request, session: SessionDep, caller: CouncilStaff, organisation_id: int | None = None
) -> Response:
    default = organisation_id or caller.organisation_id
    return _new_form(request, session, caller, {"organisation_id": default}, {})


@router.post("/admin/api-keys")
def create_key(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    values: FormValues,
) -> Response:
    key_in, errors = validated(ApiKeyCreate, values, ApiKeyCreate.model_fields, MESSAGES)
    if key_in is not None:
        try:
            key, secret = api_keys.create_key(session, caller=caller, key_in=key_in)
        except DomainError as error:
            errors = problem_of(error)
        else:
            session.commit()
            response = see_other(f"/admin/api-keys/{key.id}", done="key-created")
            return keep_secret_once(response, path=f"/admin/api-keys/{key.id}", secret=secret)
    session.rollback()
    return _new_form(request, session, caller, values, errors)


@router.get("/admin/api-keys/{key_id}")
def key_page(key_id: int, request: Request, session: SessionDep, caller: CouncilStaff) -> Response:
    key = api_keys.get_key(session, caller=caller, key_id=key_id)
    secret = take_secret_once(request)
    shown = secret if secret and secret.startswith(key.prefix) else None
    organisation = organisations.get_organisation(
        session, caller=caller, organisation_id=key.organisation_id
    )
    context = {"key": key, "organisation": organisation, "secret": shown}
    context["done"] = done_message(request)
    response = render(request, "accounts/admin_key.html", context, caller=caller, staff=True)
    return forget_secret(response, path=f"/admin/api-keys/{key.id}") if secret else response


@router.post("/admin/api-keys/{key_id}/revoke")
def revoke_key(
    key_id: int,
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
) -> Response:
    key = api_keys.revoke_key(session, caller=caller, key_id=key_id)
    session.commit()
    return see_other(f"/admin/api-keys/{key.id}", done="key-revoked")
