"""HTTP API for sign-in tokens, organisations, users and API keys. Thin: parse, call the
service, commit, shape the answer."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, File, Query, Response, UploadFile, status
from fastapi.security import OAuth2PasswordRequestForm

from accounts import api_keys, organisations, users
from accounts.deps import ApiCaller, SessionDep, StaffManager
from accounts.models import CredentialKind, OrganisationKind, Role, SchoolPhase
from accounts.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPublic,
    CouncilCreate,
    Me,
    OrganisationPublic,
    SchoolCreate,
    SchoolUpdate,
    TokenIssued,
    TrustCreate,
    UserCreate,
    UserPublic,
    UserUpdate,
)
from accounts.school_import import import_schools
from accounts.sign_in import issue_credential, sign_in
from dfc.csv_import import CSV_FORMATS
from dfc.listing import Page
from dfc.paging import Paging, PagingDep, listing
from dfc.settings import get_settings

router = APIRouter(prefix="/api")


@router.post(
    "/auth/token",
    tags=["sign-in"],
    responses={
        401: {"description": "The email or password is wrong"},
        429: {"description": "Too many failed attempts: the account is locked for a while"},
    },
)
def create_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep
) -> TokenIssued:
    """Exchange an email address (as `username`) and password for a bearer token."""
    try:
        user = sign_in(session, email=form.username, password=form.password)
    finally:
        session.commit()  # failed attempts count towards the lockout
    credential, secret = issue_credential(
        session,
        user=user,
        kind=CredentialKind.API_TOKEN,
        lifetime=timedelta(hours=get_settings().API_TOKEN_HOURS),
    )
    session.commit()
    return TokenIssued(access_token=secret, expires_at=credential.expires_at)


@router.get("/me", tags=["sign-in"])
def who_am_i(caller: ApiCaller) -> Me:
    return Me(
        name=caller.name,
        role=caller.role,
        organisation_id=caller.organisation_id,
        organisation_kind=caller.organisation_kind,
        organisation_name=caller.organisation_name,
    )


ORGANISATION_CSV_COLUMNS = ("id", "name", "gss_code", "la_code", "inner_london")


def _organisation_list(
    session: SessionDep, caller: ApiCaller, paging: Paging, kind: OrganisationKind, **filters
):
    return listing(
        session,
        organisations.visible_query(caller, kind=kind, **filters),
        paging,
        sortable=organisations.SORTABLE,
        default_sort="name",
        columns=ORGANISATION_CSV_COLUMNS if kind is OrganisationKind.COUNCIL else ("id", "name"),
        filename=f"{kind.value}s.csv",
    )


@router.get("/councils", tags=["organisations"], response_model=Page[OrganisationPublic])
def list_councils(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, search: str | None = None
):
    """Councils the caller can see; `format=csv` exports every matching row."""
    return _organisation_list(session, caller, paging, OrganisationKind.COUNCIL, search=search)


@router.post("/councils", status_code=status.HTTP_201_CREATED, tags=["organisations"])
def create_council(
    council_in: CouncilCreate, session: SessionDep, caller: ApiCaller
) -> OrganisationPublic:
    council = organisations.create_council(session, caller=caller, council_in=council_in)
    session.commit()
    return OrganisationPublic.model_validate(council)


@router.get("/councils/{council_id}", tags=["organisations"])
def read_council(council_id: int, session: SessionDep, caller: ApiCaller) -> OrganisationPublic:
    return OrganisationPublic.model_validate(
        organisations.get_organisation(
            session, caller=caller, organisation_id=council_id, kind=OrganisationKind.COUNCIL
        )
    )


@router.get("/trusts", tags=["organisations"], response_model=Page[OrganisationPublic])
def list_trusts(
    session: SessionDep, caller: ApiCaller, paging: PagingDep, search: str | None = None
):
    """Trusts the caller can see; `format=csv` exports every matching row."""
    return _organisation_list(session, caller, paging, OrganisationKind.TRUST, search=search)


@router.post("/trusts", status_code=status.HTTP_201_CREATED, tags=["organisations"])
def create_trust(
    trust_in: TrustCreate, session: SessionDep, caller: ApiCaller
) -> OrganisationPublic:
    trust = organisations.create_trust(session, caller=caller, trust_in=trust_in)
    session.commit()
    return OrganisationPublic.model_validate(trust)


SCHOOL_CSV_COLUMNS = ("id", "urn", "name", "phase", "council_id", "trust_id")


@router.get("/schools", tags=["organisations"], response_model=Page[OrganisationPublic])
def list_schools(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    council_id: int | None = None,
    trust_id: int | None = None,
    phase: SchoolPhase | None = None,
    search: Annotated[str | None, Query(description="part of the name, or a URN")] = None,
):
    """Schools the caller can see; `format=csv` exports every matching row."""
    statement = organisations.visible_query(
        caller,
        kind=OrganisationKind.SCHOOL,
        council_id=council_id,
        trust_id=trust_id,
        phase=phase,
        search=search,
    )
    return listing(
        session,
        statement,
        paging,
        sortable=organisations.SORTABLE,
        default_sort="name",
        columns=SCHOOL_CSV_COLUMNS,
        filename="schools.csv",
    )


@router.post("/schools", status_code=status.HTTP_201_CREATED, tags=["organisations"])
def create_school(
    school_in: SchoolCreate, session: SessionDep, caller: ApiCaller
) -> OrganisationPublic:
    school = organisations.create_school(session, caller=caller, school_in=school_in)
    session.commit()
    return OrganisationPublic.model_validate(school)


@router.post("/schools/import", tags=["organisations"])
def import_school_csv(
    file: Annotated[
        UploadFile, File(description=f"CSV with urn, name, phase, la_code ({CSV_FORMATS})")
    ],
    session: SessionDep,
    caller: StaffManager,
) -> dict[str, int]:
    """Adds and updates schools from a CSV; any bad row rejects the whole file (422)."""
    summary = import_schools(session, data=file.file.read(), caller=caller)
    session.commit()
    return {"added": summary.added, "updated": summary.updated, "unchanged": summary.unchanged}


@router.get("/schools/{school_id}", tags=["organisations"])
def read_school(school_id: int, session: SessionDep, caller: ApiCaller) -> OrganisationPublic:
    return OrganisationPublic.model_validate(
        organisations.get_organisation(
            session, caller=caller, organisation_id=school_id, kind=OrganisationKind.SCHOOL
        )
    )


@router.patch("/schools/{school_id}", tags=["organisations"])
def update_school(
    school_id: int, school_in: SchoolUpdate, session: SessionDep, caller: ApiCaller
) -> OrganisationPublic:
    school = organisations.update_school(
        session, caller=caller, school_id=school_id, school_in=school_in
    )
    session.commit()
    return OrganisationPublic.model_validate(school)


@router.delete(
    "/schools/{school_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["organisations"]
)
def delete_school(school_id: int, session: SessionDep, caller: ApiCaller) -> Response:
    organisations.delete_school(session, caller=caller, school_id=school_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


USER_CSV_COLUMNS = (
    "id",
    "email",
    "full_name",
    "role",
    "organisation_id",
    "is_active",
    "last_signed_in_at",
)


@router.get("/users", tags=["users"], response_model=Page[UserPublic])
def list_users(
    session: SessionDep,
    caller: ApiCaller,
    paging: PagingDep,
    organisation_id: int | None = None,
    role: Role | None = None,
):
    """Users the caller can see; `format=csv` exports every matching row."""
    return listing(
        session,
        users.visible_users(caller, organisation_id=organisation_id, role=role),
        paging,
        sortable=users.SORTABLE,
        default_sort="email",
        columns=USER_CSV_COLUMNS,
        filename="users.csv",
    )


@router.post("/users", status_code=status.HTTP_201_CREATED, tags=["users"])
def create_user(user_in: UserCreate, session: SessionDep, caller: ApiCaller) -> UserPublic:
    user = users.create_user(session, caller=caller, user_in=user_in)
    session.commit()
    return UserPublic.model_validate(user)


@router.get("/users/{user_id}", tags=["users"])
def read_user(user_id: int, session: SessionDep, caller: ApiCaller) -> UserPublic:
    return UserPublic.model_validate(users.get_user(session, caller=caller, user_id=user_id))


@router.patch("/users/{user_id}", tags=["users"])
def update_user(
    user_id: int, user_in: UserUpdate, session: SessionDep, caller: ApiCaller
) -> UserPublic:
    user = users.update_user(session, caller=caller, user_id=user_id, user_in=user_in)
    session.commit()
    return UserPublic.model_validate(user)


@router.delete("/users/{user_id}", status_code=status.HTTP_204_NO_CONTENT, tags=["users"])
def delete_user(user_id: int, session: SessionDep, caller: ApiCaller) -> Response:
    users.delete_user(session, caller=caller, user_id=user_id)
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


API_KEY_CSV_COLUMNS = (
    "id",
    "name",
    "prefix",
    "organisation_id",
    "agreement_id",
    "created_at",
    "last_used_at",
    "revoked_at",
)


@router.get("/api-keys", tags=["api keys"], response_model=Page[ApiKeyPublic])
def list_api_keys(session: SessionDep, caller: StaffManager, paging: PagingDep):
    """The keys the caller manages (never their secrets); `format=csv` exports them all."""
    return listing(
        session,
        api_keys.visible_keys(caller),
        paging,
        sortable={
            "id": api_keys.ApiKey.id,
            "name": api_keys.ApiKey.name,
            "created_at": api_keys.ApiKey.created_at,
        },
        default_sort="-created_at",
        columns=API_KEY_CSV_COLUMNS,
        filename="api-keys.csv",
    )


@router.post("/api-keys", status_code=status.HTTP_201_CREATED, tags=["api keys"])
def create_api_key(key_in: ApiKeyCreate, session: SessionDep, caller: ApiCaller) -> ApiKeyCreated:
    """Makes a key and shows it this once; only its hash is kept."""
    key, secret = api_keys.create_key(session, caller=caller, key_in=key_in)
    session.commit()
    return ApiKeyCreated(**ApiKeyPublic.model_validate(key).model_dump(), key=secret)


@router.delete("/api-keys/{key_id}", tags=["api keys"])
def revoke_api_key(key_id: int, session: SessionDep, caller: ApiCaller) -> ApiKeyPublic:
    key = api_keys.revoke_key(session, caller=caller, key_id=key_id)
    session.commit()
    return ApiKeyPublic.model_validate(key)
