"""The scheme always keeps an active scheme admin: nobody gives up their own admin role,
and the last active admin is neither demoted, deactivated nor deleted, through the API, the
page or the service itself."""

import threading

import pytest
from sqlmodel import Session

from accounts import users
from accounts.models import Role, User
from accounts.organisations import ensure_scheme
from accounts.schemas import UserUpdate
from dfc.caller import Caller
from dfc.errors import Conflict
from tests.factories import bearer, make_admin, sign_in_pages


def reloaded(session: Session, user: User) -> User:
    session.expire_all()
    return session.get(User, user.id)


def test_an_admin_cannot_demote_themselves_through_the_api(client, session):
    admin = make_admin(session)
    make_admin(session)  # even with another admin there, one does not demote oneself
    response = client.patch(
        f"/api/users/{admin.id}", headers=bearer(session, admin), json={"role": "support-agent"}
    )
    assert response.status_code == 409, response.text
    assert response.json()["field"] == "role"
    assert "your own scheme admin role" in response.json()["detail"]
    assert reloaded(session, admin).role is Role.SCHEME_ADMIN


def test_an_admin_demotes_or_deactivates_another_while_one_remains(client, session):
    admin, other, third = make_admin(session), make_admin(session), make_admin(session)
    headers = bearer(session, admin)
    demoted = client.patch(
        f"/api/users/{other.id}", headers=headers, json={"role": "support-agent"}
    )
    assert demoted.status_code == 200, demoted.text
    deactivated = client.patch(f"/api/users/{third.id}", headers=headers, json={"is_active": False})
    assert deactivated.status_code == 200, deactivated.text
    assert reloaded(session, other).role is Role.SUPPORT_AGENT
    assert reloaded(session, third).is_active is False


@pytest.mark.parametrize(
    "change", [{"role": Role.SUPPORT_AGENT}, {"is_active": False}, "delete"], ids=str
)
def test_the_service_never_removes_the_last_active_admin(session, change):
    """Whoever asks: here a caller whose own admin account was deactivated meanwhile."""
    scheme = ensure_scheme(session)
    last, former = make_admin(session), make_admin(session)
    former.is_active = False
    session.add(former)
    session.commit()
    caller = Caller.for_user(former, scheme)
    with pytest.raises(Conflict, match="last active scheme admin"):
        if change == "delete":
            users.delete_user(session, caller=caller, user_id=last.id)
        else:
            users.update_user(session, caller=caller, user_id=last.id, user_in=UserUpdate(**change))
    session.rollback()
    stays = reloaded(session, last)
    assert (stays.role, stays.is_active) == (Role.SCHEME_ADMIN, True)


def test_the_admin_page_refuses_an_admin_demoting_themselves(client, session):
    admin = make_admin(session)
    make_admin(session)
    token = sign_in_pages(client, session, admin)
    response = client.post(
        f"/admin/users/{admin.id}",
        data={"csrf_token": token, "full_name": "Still Me", "role": "support-agent"},
    )
    assert response.status_code == 400
    assert 'id="role-error"' in response.text
    assert "your own scheme admin role" in response.text
    assert reloaded(session, admin).role is Role.SCHEME_ADMIN


def test_the_admin_page_demotes_another_admin(client, session):
    admin, other = make_admin(session), make_admin(session)
    token = sign_in_pages(client, session, admin)
    response = client.post(
        f"/admin/users/{other.id}",
        data={
            "csrf_token": token,
            "full_name": "Test User",
            "role": "support-agent",
            "is_active": "true",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert reloaded(session, other).role is Role.SUPPORT_AGENT


def test_two_admins_removing_each_other_at_once_leave_one(engine, session):
    """The second waits for the first's lock on the admins' rows, then sees it was left
    the last one."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time; the race needs PostgreSQL's row locks")
    scheme = ensure_scheme(session)
    session.commit()
    one, two = make_admin(session), make_admin(session)
    demote = UserUpdate(role=Role.SUPPORT_AGENT)
    outcome: list[str] = []
    with Session(engine) as first, Session(engine) as second:
        users.update_user(
            first, caller=Caller.for_user(one, scheme), user_id=two.id, user_in=demote
        )

        def the_other_way() -> None:
            try:
                users.update_user(
                    second, caller=Caller.for_user(two, scheme), user_id=one.id, user_in=demote
                )
            except Conflict as refused:
                second.rollback()
                outcome.append(refused.message)
            else:
                second.commit()
                outcome.append("demoted")

        racer = threading.Thread(target=the_other_way)
        racer.start()
        racer.join(timeout=1)
        assert racer.is_alive(), "the second did not wait for the first's lock"
        first.commit()
        racer.join(timeout=10)
    assert outcome and "last active scheme admin" in outcome[0]
    assert reloaded(session, one).role is Role.SCHEME_ADMIN
