"""Administration for scheme admins (everything) and council officers (their own council):
councils, schools, users and API keys. This module is the index and gathers the sections."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from accounts import api_keys
from accounts.deps import SessionDep
from accounts.models import OrganisationKind, Role
from accounts.organisations import count_by_kind
from accounts.pages import admin_councils, admin_keys, admin_schools, admin_users
from accounts.staff import CouncilStaff
from accounts.users import count_users
from dfc.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/admin")
def admin_index(request: Request, session: SessionDep, caller: CouncilStaff) -> Response:
    counts = count_by_kind(session, caller=caller)
    sections = [
        {
            "href": "/admin/councils",
            "title": "Councils",
            "count": counts.get(OrganisationKind.COUNCIL, 0),
            "noun": "council",
            "about": "Names, GSS and LA codes, and each council's schools.",
        },
        {
            "href": "/admin/schools",
            "title": "Schools",
            "count": counts.get(OrganisationKind.SCHOOL, 0),
            "noun": "school",
            "about": "Add, change and remove schools.",
        },
        {
            "href": "/admin/users",
            "title": "Users",
            "count": count_users(session, caller=caller),
            "noun": "user",
            "about": "Staff accounts: add people, change their role, remove them.",
        },
        {
            "href": "/admin/api-keys",
            "title": "API keys",
            "count": api_keys.count_live_keys(session, caller=caller),
            "noun": "live key",
            "about": "Keys for suppliers' and networks' systems; revoke one that leaked.",
        },
        {
            "href": "/outbox",
            "title": "Outbox",
            "count": None,
            "noun": "",
            "about": "Every message the service has sent or kept.",
        },
    ]
    return render(
        request,
        "accounts/admin_index.html",
        {"sections": sections, "everything": caller.has_role(Role.SCHEME_ADMIN)},
        caller=caller,
        staff=True,
    )


for section in (admin_councils, admin_schools, admin_users, admin_keys):
    router.include_router(section.router)
