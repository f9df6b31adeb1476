"""Who may open a staff page, declared once per route: a signed-in member of staff with one
of the named roles. Nobody signed in goes to the sign-in page; a wrong role gets the 403
page. Reach within a role is still decided by `accounts.scoping` in each service call."""

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends

from accounts.deps import PageCaller
from accounts.models import Role
from dfc.caller import Caller
from dfc.errors import Forbidden, NotSignedIn

ROLE_TITLES = {
    Role.SCHEME_ADMIN: "scheme administrators",
    Role.COUNCIL_OFFICER: "council officers",
    Role.SCHOOL_STAFF: "school staff",
    Role.SUPPORT_AGENT: "support agents",
    Role.NETWORK_USER: "mobile network users",
}


def staff(*roles: Role) -> Callable[[Caller | None], Caller]:
    """A dependency letting through signed-in staff with one of `roles` (any role if none)."""

    async def require(caller: PageCaller) -> Caller:  # async: no thread for a check
        if caller is None:
            raise NotSignedIn("Sign in to see this page")
        if roles and not caller.has_role(*roles):
            allowed = " and ".join(ROLE_TITLES[role] for role in roles)
            raise Forbidden(f"This page is for {allowed}.")
        return caller

    return require


AnyStaff = Annotated[Caller, Depends(staff())]
SchoolStaff = Annotated[
    Caller, Depends(staff(Role.SCHOOL_STAFF, Role.COUNCIL_OFFICER, Role.SCHEME_ADMIN))
]
CouncilStaff = Annotated[Caller, Depends(staff(Role.COUNCIL_OFFICER, Role.SCHEME_ADMIN))]
DeskStaff = Annotated[
    Caller,
    Depends(staff(Role.SUPPORT_AGENT, Role.COUNCIL_OFFICER, Role.SCHEME_ADMIN)),
]
SchemeAdmin = Annotated[Caller, Depends(staff(Role.SCHEME_ADMIN))]
