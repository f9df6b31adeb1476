"""A seeded, bounded schemathesis run over the whole OpenAPI: whatever it sends, within the
schema or not, the API never answers 5xx, nor a status its OpenAPI does not list. It runs as
a scheme admin (who reaches everything) and as school staff (who reach one school), against
a small world of real records, a few examples an operation, the same examples every run."""

from dataclasses import dataclass

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error, status_code_conformance
from sqlmodel import Session

from accounts.models import Role
from dfc.app import create_app
from tests.devices.factories import (
    make_allocation,
    make_device,
    make_dongle_with_sim,
    make_family,
    make_licence,
)
from tests.factories import bearer, make_admin, make_council, make_school, make_user
from tests.support.desk_helpers import raise_ticket

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


@dataclass
class World:
    """Who calls, and the ids of real records that path parameters are pointed at."""

    headers: dict[Role, dict[str, str]]
    ids: dict[str, int]


@pytest.fixture
def world(session: Session) -> World:
    """A council with a school, its staff, a family with a device, a spare device, a
    licence, a dongle with its SIM, a ticket and a scheme admin."""
    council = make_council(session)
    school = make_school(session, council=council)
    staff = make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    family = make_family(session, school=school)
    family.phone_number = None  # no text is queued on the test run's broker
    session.add(family)
    session.commit()
    device = make_device(session, holder=school)
    make_allocation(session, device=device, family=family)
    make_device(session, holder=school)
    dongle, sim = make_dongle_with_sim(session, holder=school)
    ticket = raise_ticket(session, school)
    return World(
        headers={
            Role.SCHEME_ADMIN: bearer(session, make_admin(session)),
            Role.SCHOOL_STAFF: bearer(session, staff),
        },
        ids={
            "council_id": council.id,
            "school_id": school.id,
            "organisation_id": school.id,
            "user_id": staff.id,
            "family_id": family.id,
            "device_id": device.id,
            "licence_id": make_licence(session, organisation=school).id,
            "dongle_id": dongle.id,
            "sim_id": sim.id,
            "ticket_id": ticket.id,
        },
    )


def aimed(case, world: World):
    """Path ids that are whole numbers point at the world's records, so the fuzzing reaches
    the services' rules rather than stopping at 404; other values stay as generated."""
    for name, value in (case.path_parameters or {}).items():
        if isinstance(value, int) and name in world.ids:
            case.path_parameters[name] = world.ids[name]
    return case


@schema.parametrize()
@BOUNDED
def test_as_a_scheme_admin_no_answer_is_a_5xx_or_undocumented(case, world):
    aimed(case, world).call_and_validate(headers=world.headers[Role.SCHEME_ADMIN], checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_as_school_staff_no_answer_is_a_5xx_or_undocumented(case, world):
    aimed(case, world).call_and_validate(headers=world.headers[Role.SCHOOL_STAFF], checks=CHECKS)
