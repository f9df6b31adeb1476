"""A seeded, bounded schemathesis run over the whole OpenAPI: whatever it sends, within the
schema or not, the API never answers 5xx, nor a status its OpenAPI does not list. It runs as
a scheme admin (who reaches everything) and as school staff (who reach one school), against
a small world of real records, a few examples an operation, the same examples every run."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, status_code_conformance
from sqlmodel import Session

from accounts.models import Role
from dfc.app import create_app
from tests.devices.factories import make_allocation, make_device, make_family
from tests.factories import bearer, make_admin, make_council, make_school, make_user

pytestmark = pytest.mark.fuzz
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 14,
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"max-examples": 4, "mode": "all"},
    }
)
CHECKS = [not_a_server_error, status_code_conformance]
BOUNDED = settings(
    max_examples=4,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# Loaded when the tests are collected (schemathesis's from_fixture does not work with
# pytest 9); conftest.py has set up the test database's settings by then.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(), config=CONFIG)


@pytest.fixture
def callers(session: Session) -> dict[Role, dict[str, str]]:
    """A council with a school, its staff, a family with a device, and a scheme admin."""
    council = make_council(session)
    school = make_school(session, council=council)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    family = make_family(session, school=school)
    make_allocation(session, device=make_device(session, holder=school), family=family)
    make_device(session, holder=school)
    return {
        Role.SCHEME_ADMIN: bearer(session, make_admin(session)),
        Role.SCHOOL_STAFF: bearer(session, staff),
    }


@schema.parametrize()
@BOUNDED
def test_as_a_scheme_admin_no_answer_is_a_5xx_or_undocumented(case, callers):
    case.call_and_validate(headers=callers[Role.SCHEME_ADMIN], checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_as_school_staff_no_answer_is_a_5xx_or_undocumented(case, callers):
    case.call_and_validate(headers=callers[Role.SCHOOL_STAFF], checks=CHECKS)
