"""Staff users: the list with filters, adding a user (with a password given or made and
shown once), changing a user's name and role, and removing a user after confirming."""

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts import organisations, users
from accounts.deps import SessionDep
from accounts.models import Role, User
from accounts.pages.admin_common import (
    ROLE_LABELS,
    FormValues,
    done_message,
    forget_secret,
    keep_secret_once,
    organisation_picker,
    see_other,
    take_secret_once,
    validated,
)
from accounts.passwords import MIN_PASSWORD_LENGTH
from accounts.schemas import UserCreate, UserUpdate
from accounts.staff import CouncilStaff
from dfc.caller import Caller
from dfc.errors import DomainError
from dfc.paging import PagingDep, listing
from dfc.web.csrf import CsrfChecked
from dfc.web.forms import problem_of
from dfc.web.templating import render

router = APIRouter()
USER_CSV_COLUMNS = (
    "id",
    "full_name",
    "email",
    "role",
    "organisation_id",
    "organisation_name",
    "is_active",
    "last_signed_in_at",
)
MESSAGES = {
    "email": "Enter an email address, like name@example.org",
    "full_name": "Enter the person's full name (up to 200 characters)",
    "role": "Choose a role",
    "organisation_id": "Choose an organisation",
    "password": f"Enter a password of at least {MIN_PASSWORD_LENGTH} characters, "
    "or leave it blank to have one made",
    "is_active": "Choose whether they can sign in",
}
NEW_USER_FIELDS = ("full_name", "email", "organisation_id", "role", "password")
ROLE_CHOICES = [(role.value, label) for role, label in ROLE_LABELS.items()]


@router.get("/admin/users")
def user_list(
    request: Request,
    session: SessionDep,
    caller: CouncilStaff,
    paging: PagingDep,
    role: Role | None = None,
    organisation: str | None = None,
    organisation_id: int | None = None,
    search: str | None = None,
) -> Response:
    statement = users.user_summaries(
        caller,
        role=role,
        organisation=organisation,
        organisation_id=organisation_id,
        search=search,
    )
    result = listing(
        session,
        statement,
        paging,
        sortable=users.SUMMARY_SORTABLE,
        default_sort="full_name",
        columns=USER_CSV_COLUMNS,
        filename="users.csv",
    )
    if isinstance(result, Response):
        return result
    only = None
    if organisation_id is not None:
        only = organisations.get_organisation(
            session, caller=caller, organisation_id=organisation_id
        )
    context = {
        "users": result,
        "roles": ROLE_LABELS,
        "role_choices": ROLE_CHOICES,
        "filters": {"role": role, "organisation": organisation, "search": search},
        "only": only,
        "default_sort": "full_name",
        "done": done_message(request),
    }
    return render(request, "accounts/admin_users.html", context, caller=caller, staff=True)


def _role_choices(caller: Caller) -> list[tuple[str, str]]:
    return [(role.value, ROLE_LABELS[role]) for role in users.roles_caller_can_give(caller)]


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
        "role_choices": _role_choices(caller),
        "organisations": picker.groups,
        "picker": picker,
        "min_password": MIN_PASSWORD_LENGTH,
    }
    status_code = 400 if errors else 200
    return render(
        request,
        "accounts/admin_user_new.html",
        context,
        caller=caller,
        status_code=status_code,
        staff=True,
    )


@router.get("/admin/users/new")
def new_user(
    request: Request, session: SessionDep, caller: CouncilStaff, organisation_id: int | None = None
) -> Response:
    return _new_form(request, session, caller, {"organisation_id": organisation_id}, {})


@router.post("/admin/users")
def add_user(
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    values: FormValues,
) -> Response:
    made_password = None if values.get("password") else users.new_initial_password()
    data = values | {"password": values.get("password") or made_password}
    user_in, errors = validated(UserCreate, data, NEW_USER_FIELDS, MESSAGES)
    if user_in is not None:
        try:
            user = users.create_user(session, caller=caller, user_in=user_in)
        except DomainError as error:
            errors = problem_of(error)
        else:
            session.commit()
            response = see_other(f"/admin/users/{user.id}", done="user-added")
            if made_password:
                keep_secret_once(response, path=f"/admin/users/{user.id}", secret=made_password)
            return response
    session.rollback()
    return _new_form(request, session, caller, values | {"password": None}, errors)


def _user_page(
    request: Request,
    session,
    caller: Caller,
    user: User,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    password: str | None = None,
) -> Response:
    organisation = organisations.get_organisation(
        session, caller=caller, organisation_id=user.organisation_id
    )
    context = {
        "user": user,
        "organisation": organisation,
        "roles": ROLE_LABELS,
        "role_choices": _role_choices(caller),
        "values": values
        or {
            "full_name": user.full_name,
            "role": user.role.value,
            "is_active": "true" if user.is_active else "false",
        },
        "field_errors": errors or {},
        "password": password,
        "is_self": user.id == caller.user_id,
        "done": done_message(request),
    }
    status_code = 400 if errors else 200
    return render(
        request,
        "accounts/admin_user.html",
        context,
        caller=caller,
        status_code=status_code,
        staff=True,
    )


@router.get("/admin/users/{user_id}")
def user_page(
    user_id: int, request: Request, session: SessionDep, caller: CouncilStaff
) -> Response:
    user = users.get_user(session, caller=caller, user_id=user_id)
    password = take_secret_once(request)
    response = _user_page(request, session, caller, user, password=password)
    return forget_secret(response, path=f"/admin/users/{user.id}") if password else response


@router.post("/admin/users/{user_id}")
def change_user(
    user_id: int,
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
    values: FormValues,
) -> Response:
    user = users.get_user(session, caller=caller, user_id=user_id)
    # Someone leaving is deactivated: they cannot sign in, their sessions stop working,
    # and what they did stays attributed to them. Nobody deactivates themselves here.
    fields = ("full_name", "role")
    if values.get("is_active") is not None and user.id != caller.user_id:
        fields += ("is_active",)
    user_in, errors = validated(UserUpdate, values, fields, MESSAGES, required=fields)
    if user_in is not None:
        try:
            users.update_user(session, caller=caller, user_id=user.id, user_in=user_in)
        except DomainError as error:
            errors = problem_of(error)
        else:
            session.commit()
            return see_other(f"/admin/users/{user.id}", done="user-saved")
    session.rollback()
    user = users.get_user(session, caller=caller, user_id=user_id)
    return _user_page(request, session, caller, user, values=values, errors=errors)


@router.get("/admin/users/{user_id}/delete")
def confirm_user_delete(
    user_id: int, request: Request, session: SessionDep, caller: CouncilStaff
) -> Response:
    user = users.get_user(session, caller=caller, user_id=user_id)
    return render(
        request,
        "accounts/admin_user_delete.html",
        {"user": user, "field_errors": {}},
        caller=caller,
        staff=True,
    )


@router.post("/admin/users/{user_id}/delete")
def delete_user(
    user_id: int,
    request: Request,
    _csrf: CsrfChecked,
    session: SessionDep,
    caller: CouncilStaff,
) -> Response:
    try:
        users.delete_user(session, caller=caller, user_id=user_id)
    except DomainError as error:
        if error.status_code == 404:
            raise
        session.rollback()
        user = users.get_user(session, caller=caller, user_id=user_id)
        return render(
            request,
            "accounts/admin_user_delete.html",
            {"user": user, "field_errors": problem_of(error)},
            caller=caller,
            status_code=400,
            staff=True,
        )
    session.commit()
    return see_other("/admin/users", done="user-deleted")
