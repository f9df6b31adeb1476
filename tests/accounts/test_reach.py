"""A caller's organisations resolved once (`with_reach`) reach exactly what the per-query
subquery reaches: the same rows for a council, a trust, a school, with one id or many."""

import pytest
from sqlmodel import Session, select

from accounts.models import Organisation, Role
from accounts.scoping import scoped, with_reach
from devices.models import Device
from dfc.caller import Caller
from tests.devices.factories import make_device
from tests.factories import make_council, make_school, make_trust, make_user


@pytest.fixture
def country(session: Session) -> dict[str, Organisation]:
    council, other_council, trust = (
        make_council(session),
        make_council(session),
        make_trust(session),
    )
    return {
        "council": council,
        "trust": trust,
        "school": make_school(session, council=council),
        "academy": make_school(session, council=other_council, trust=trust),
        "elsewhere": make_school(session, council=other_council),
    }


def caller_for(session: Session, organisation: Organisation) -> Caller:
    role = Role.SCHOOL_STAFF if organisation.kind == "school" else Role.COUNCIL_OFFICER
    return Caller.for_user(make_user(session, organisation=organisation, role=role), organisation)


@pytest.mark.parametrize(
    ("who", "reaches"),
    [
        ("council", {"council", "school"}),
        ("trust", {"trust", "academy"}),
        ("school", {"school"}),
    ],
)
def test_the_resolved_ids_reach_what_the_subquery_reaches(session, country, who, reaches):
    caller = caller_for(session, country[who])
    devices = {name: make_device(session, holder=org).id for name, org in country.items()}
    resolved = with_reach(session, caller)
    assert set(resolved.reach) == {country[name].id for name in reaches}
    for scope in (caller, resolved):
        found = set(session.exec(scoped(select(Device.id), scope, Device.holder_id)).all())
        assert found == {devices[name] for name in reaches}


def test_a_statement_is_scoped_by_each_callers_own_ids_when_reused(session, country):
    """The compiled statement is cached by SQLAlchemy: the ids must still be each caller's."""
    devices = {name: make_device(session, holder=org).id for name, org in country.items()}
    council = with_reach(session, caller_for(session, country["council"]))
    trust = with_reach(session, caller_for(session, country["trust"]))
    for _ in range(2):
        for caller, expected in ((council, {"council", "school"}), (trust, {"trust", "academy"})):
            found = session.exec(scoped(select(Device.id), caller, Device.holder_id)).all()
            assert set(found) == {devices[name] for name in expected}
