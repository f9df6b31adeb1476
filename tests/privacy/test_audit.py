"""The access audit: every route that shows or exports a family's personal data writes one
row per family record it touched, naming who, which record, the route and the method;
another organisation's family is a 404 and writes nothing; the rows cannot be changed or
deleted, on SQLite as on PostgreSQL; a council's officers read their own council's rows."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from fastapi.routing import APIRoute
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from accounts.api_keys import create_key
from accounts.models import Organisation, Role, User
from accounts.schemas import ApiKeyCreate
from dfc.app import API_ROUTERS, PAGE_ROUTERS
from dfc.audit.models import AccessAudit, AuditAction, SubjectType
from dfc.caller import Caller
from tests.devices.factories import make_device
from tests.factories import bearer, make_council, make_school, make_user, sign_in_pages
from tests.privacy.audit_routes import CASES, ID_KEYS, NOT_AUDITED, Case
from tests.privacy.family_data import FamilyData, make_family_data


@dataclass
class World:
    council: Organisation
    school: Organisation
    officer: User
    teacher: User
    mine: FamilyData
    sibling: FamilyData
    stranger: FamilyData
    stock_device_id: int


@pytest.fixture
def world(session) -> World:
    council = make_council(session)
    school = make_school(session, council=council)
    elsewhere = make_school(session, council=make_council(session))
    return World(
        council=council,
        school=school,
        officer=make_user(session, organisation=council, role=Role.COUNCIL_OFFICER),
        teacher=make_user(session, organisation=school, role=Role.SCHOOL_STAFF),
        mine=make_family_data(session, school),
        sibling=make_family_data(session, school),
        stranger=make_family_data(session, elsewhere),
        stock_device_id=make_device(session, holder=school).id,
    )


def fill(url: str, world: World, family: FamilyData) -> str:
    return url.format(
        family=family.family.id,
        ticket=family.ticket_id,
        attachment=family.attachment_id,
        device=family.device_ids[0],
        stock=world.stock_device_id,
        phone=family.phone.replace("+", "%2B"),
    )


def get(client, session, world: World, case: Case, family: FamilyData):
    user = world.officer if case.officer else world.teacher
    url = fill(case.url, world, family)
    if url.startswith("/api"):
        return client.get(url, headers=bearer(session, user))
    sign_in_pages(client, session, user)
    return client.get(url, headers={"Accept": "text/html"})


def audit_rows(session) -> list[AccessAudit]:
    session.expire_all()
    return list(session.exec(select(AccessAudit).order_by(AccessAudit.id)).all())


@pytest.mark.parametrize("name", CASES)
def test_every_route_that_shows_a_family_writes_an_audit_row(client, session, world, name):
    case = CASES[name]
    answer = get(client, session, world, case, world.mine)
    assert answer.status_code == 200, answer.text
    rows = audit_rows(session)
    user = world.officer if case.officer else world.teacher
    expected = {world.mine.family.id}
    if case.whole_school:
        expected.add(world.sibling.family.id)
    assert {row.family_id for row in rows} == expected
    assert len(rows) == len(expected), "one row per family record"
    path = fill(case.url, world, world.mine).split("?")[0]
    for row in rows:
        assert (row.actor_user_id, row.actor_organisation_id, row.actor_name) == (
            user.id,
            user.organisation_id,
            user.full_name,
        )
        assert (row.action, row.subject_type, row.method) == (case.action, case.subject_type, "GET")
        assert (row.route, row.path) == (case.route, path)
        assert row.subject_organisation_id == world.school.id
        assert abs(row.occurred_at - datetime.now(UTC)).total_seconds() < 60
    if case.subject_type is SubjectType.TICKET:
        assert [row.subject_id for row in rows] == [world.mine.ticket_id]


# Routes to one family, ticket or device (the allocate form lists its own school's families).
BY_ID = [name for name, case in CASES.items() if any(k in case.url for k in ID_KEYS)]


@pytest.mark.parametrize("name", BY_ID)
def test_another_organisations_family_is_a_404_and_writes_nothing(client, session, world, name):
    case = CASES[name]
    answer = get(client, session, world, case, world.stranger)
    assert answer.status_code == 404
    assert audit_rows(session) == []


def api_routes(routes: list) -> list[APIRoute]:
    """Every route, including those of routers included in another router."""
    found = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif inner := getattr(route, "original_router", None):
            found += api_routes(inner.routes)
    return found


def test_no_route_that_names_families_or_tickets_is_forgotten():
    audited = {case.route for case in CASES.values()}
    routes = {
        route.path
        for router in PAGE_ROUTERS + API_ROUTERS
        for route in api_routes(router.routes)
        if "GET" in route.methods
    }
    naming = {path for path in routes if "famil" in path or "ticket" in path or "/t/" in path}
    naming |= {"/devices/{device_id}", "/devices/{device_id}/allocate"}
    forgotten = naming - audited - set(NOT_AUDITED)
    assert not forgotten, f"audit these routes, or say in NOT_AUDITED why not: {forgotten}"
    assert audited <= routes


@pytest.mark.parametrize("url", ["/tickets/{ticket}", "/tickets"])
def test_the_desk_pages_write_audit_rows(client, session, world, url):
    case = Case(url, url, AuditAction.READ, SubjectType.TICKET)
    assert get(client, session, world, case, world.mine).status_code == 200
    assert world.mine.ticket_id in {row.subject_id for row in audit_rows(session)}


def test_an_api_keys_reads_are_audited_under_the_key(client, session, world):
    caller = Caller.for_user(world.officer, world.council)
    key, secret = create_key(
        session,
        caller=caller,
        key_in=ApiKeyCreate(name="School MIS", organisation_id=world.school.id),
    )
    session.commit()
    answer = client.get(f"/api/families/{world.mine.family.id}", headers={"X-API-Key": secret})
    assert answer.status_code == 200
    [row] = audit_rows(session)
    assert (row.actor_user_id, row.actor_api_key_id, row.actor_name) == (
        None,
        key.id,
        "API key School MIS",
    )


def write_one_row(session, world: World) -> AccessAudit:
    row = AccessAudit(
        actor_user_id=world.officer.id,
        actor_organisation_id=world.council.id,
        actor_name="Olu Officer",
        action=AuditAction.READ,
        subject_type=SubjectType.FAMILY,
        subject_id=world.mine.family.id,
        family_id=world.mine.family.id,
        subject_organisation_id=world.school.id,
        method="GET",
        route="/families/{family_id}",
        path=f"/families/{world.mine.family.id}",
    )
    session.add(row)
    session.commit()
    return row


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE access_audit SET actor_name = 'someone else'",
        "DELETE FROM access_audit",
        "UPDATE erasure_record SET reason = 'objection'",
        "DELETE FROM erasure_record",
    ],
)
def test_audit_rows_cannot_be_changed_or_deleted_through_the_apps_connection(
    client, session, world, engine, statement
):
    row = write_one_row(session, world)
    path = f"/api/privacy/subject-access/family/{world.sibling.family.id}/erase"
    erase = {"reason": "objection", "confirm": True}
    assert client.post(path, json=erase, headers=bearer(session, world.officer)).status_code == 201
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
        connection.execute(text(statement))
    session.expire_all()
    assert session.get(AccessAudit, row.id).actor_name == "Olu Officer"


def test_the_test_suites_wipe_still_empties_the_audit(session, world, engine):
    write_one_row(session, world)
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("TRUNCATE access_audit"))
        else:
            connection.execute(text("PRAGMA defer_foreign_keys=ON"))
            connection.execute(text("DELETE FROM access_audit"))
    assert audit_rows(session) == []


def test_an_officer_lists_and_exports_only_their_councils_rows(client, session, world):
    get(client, session, world, CASES["family page"], world.mine)
    other_council = make_council(session)
    other_officer = make_user(session, organisation=other_council, role=Role.COUNCIL_OFFICER)
    other_school = session.get(Organisation, world.stranger.family.school_id)
    outsider = make_user(session, organisation=other_school, role=Role.SCHOOL_STAFF)
    client.get(f"/api/families/{world.stranger.family.id}", headers=bearer(session, outsider))
    assert len(audit_rows(session)) == 2

    mine = client.get("/api/privacy/audit", headers=bearer(session, world.officer)).json()
    assert [row["family_id"] for row in mine["items"]] == [world.mine.family.id]
    assert mine["items"][0]["actor_user_id"] == world.teacher.id
    theirs = client.get("/api/privacy/audit", headers=bearer(session, other_officer)).json()
    assert theirs["items"] == [], "another council's officer sees none of these rows"

    csv = client.get("/api/privacy/audit?format=csv", headers=bearer(session, world.officer))
    lines = csv.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("id,occurred_at,actor_name") and len(lines) == 2
    assert f"/families/{world.mine.family.id}" in lines[1]

    sign_in_pages(client, session, world.officer)
    page = client.get("/privacy/audit")
    assert page.status_code == 200 and world.teacher.full_name in page.text
    assert f"/families/{world.mine.family.id}" in page.text
    assert f"/api/families/{world.stranger.family.id}" not in page.text


def test_the_audit_filters_by_who_family_action_and_dates(client, session, world):
    get(client, session, world, CASES["family page"], world.mine)
    get(client, session, world, CASES["subject access json"], world.sibling)
    headers = bearer(session, world.officer)

    def families(**params) -> list[int]:
        answer = client.get("/api/privacy/audit", params=params, headers=headers)
        assert answer.status_code == 200, answer.text
        return [row["family_id"] for row in answer.json()["items"]]

    assert families(action="export") == [world.sibling.family.id]
    assert families(family_id=world.mine.family.id) == [world.mine.family.id]
    assert families(user_id=world.officer.id) == [world.sibling.family.id]
    assert families(actor=world.teacher.full_name[:4].lower()) == [
        world.sibling.family.id,
        world.mine.family.id,
    ]
    assert families(since="2000-01-01", until="2000-12-31") == []
    today = datetime.now(UTC).date().isoformat()
    assert len(families(since=today)) == 2
    bad = client.get("/api/privacy/audit", params={"since": "soon"}, headers=headers)
    assert bad.status_code == 422
    sign_in_pages(client, session, world.officer)
    page = client.get("/privacy/audit", params={"action": "export", "since": "", "actor": ""})
    assert page.status_code == 200
    assert client.get("/privacy/audit", params={"since": "27/3/2026"}).status_code == 422


@pytest.mark.parametrize("role", [Role.SCHOOL_STAFF, Role.SUPPORT_AGENT])
def test_only_officers_and_scheme_admins_read_the_audit(client, session, world, role):
    user = make_user(session, organisation=world.school, role=role)
    assert client.get("/api/privacy/audit", headers=bearer(session, user)).status_code == 403
    sign_in_pages(client, session, user)
    page = client.get("/privacy/audit", headers={"Accept": "text/html"})
    assert page.status_code == 403
    assert 'href="/privacy"' not in client.get("/").text


def test_officers_find_the_data_protection_section_in_the_navigation(client, session, world):
    sign_in_pages(client, session, world.officer)
    assert 'href="/privacy"' in client.get("/").text
    section = client.get("/privacy")
    assert section.status_code == 200
    assert 'href="/privacy/audit"' in section.text
    assert 'href="/privacy/subject-access"' in section.text


def test_on_postgresql_update_and_delete_are_revoked_from_the_apps_role(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no roles; its triggers are tested above")
    with engine.connect() as connection:
        granted = connection.execute(
            text(
                "SELECT DISTINCT c.relname, a.privilege_type FROM pg_class c, "
                "aclexplode(c.relacl) a WHERE c.relname IN ('access_audit', 'erasure_record') "
                "AND a.grantee IN (0, (SELECT oid FROM pg_roles WHERE rolname = current_user))"
            )
        ).all()
    assert granted, "the tables have explicit privileges"
    assert not {privilege for _table, privilege in granted} & {"UPDATE", "DELETE"}
    assert {privilege for _table, privilege in granted} >= {"SELECT", "INSERT"}
