"""Information sharing agreements: recorded by council officers and scheme admins through
the API and the pages, validated, scoped to the council, and ended early."""

import csv
import io
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from accounts.models import Role
from dfc.clock import today
from privacy.agreements_models import SharingAgreement
from tests.factories import bearer, make_admin, make_user, sign_in_pages
from tests.privacy.agreement_helpers import World, build_world, record

API = "/api/privacy/agreements"


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def body(world: World, **changes) -> dict:
    return {
        "reference": "ISG-2024-0042",
        "partner_id": world.trust.id,
        "purpose": "The trust's IT team fixes its academies' laptops",
        "categories": ["pupil", "contact", "contact"],
        "starts_on": (today() - timedelta(days=1)).isoformat(),
        "ends_on": (today() + timedelta(days=364)).isoformat(),
    } | changes


def count(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(SharingAgreement)).one()


def test_a_council_officer_records_an_agreement_for_their_council(client, session, world):
    response = client.post(API, json=body(world), headers=bearer(session, world.officer))
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["council_id"] == world.council.id
    assert made["categories"] == ["contact", "pupil"]
    assert made["recorded_by_id"] == world.officer.id
    assert made["last_day"] == made["ends_on"]
    listed = client.get(API, headers=bearer(session, world.officer)).json()["items"]
    assert [(row["reference"], row["partner"], row["status"]) for row in listed] == [
        ("ISG-2024-0042", "Northern Star Trust", "in-force")
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": (today() - timedelta(days=1)).isoformat()}, "ends_on"),
        ({"ends_on": (today() - timedelta(days=2)).isoformat()}, "ends_on"),
        ({"categories": []}, "categories"),
        ({"categories": ["everything"]}, "categories"),
        ({"partner_id": 999999}, "partner_id"),
        ({"partner_id": None}, "partner_id"),
        ({"partner_name": "Also a name"}, "partner_id"),
        ({"reference": ""}, "reference"),
    ],
    ids=[
        "ends-on-start",
        "ends-before-start",
        "no-categories",
        "unknown-category",
        "no-such-party",
        "no-party",
        "two-parties",
        "no-reference",
    ],
)
def test_an_invalid_agreement_is_refused_naming_the_field(client, session, world, changes, field):
    response = client.post(API, json=body(world, **changes), headers=bearer(session, world.officer))
    assert response.status_code == 422, response.text
    answer = response.json()
    named = answer.get("field") or ",".join(p["field"] for p in answer.get("problems", []))
    assert field in named, answer
    assert count(session) == 0


def test_the_council_itself_is_not_the_other_party(client, session, world):
    response = client.post(
        API, json=body(world, partner_id=world.council.id), headers=bearer(session, world.officer)
    )
    assert (response.status_code, response.json()["field"]) == (422, "partner_id")


def test_a_reference_is_unique_within_a_council_but_not_across_councils(client, session, world):
    record(session, world.officer, reference="ISG-7")
    again = client.post(
        API, json=body(world, reference="ISG-7"), headers=bearer(session, world.officer)
    )
    assert (again.status_code, again.json()["field"]) == (409, "reference")
    elsewhere = client.post(
        API, json=body(world, reference="ISG-7"), headers=bearer(session, world.other_officer)
    )
    assert elsewhere.status_code == 201
    assert count(session) == 2


def test_another_councils_agreement_is_not_found(client, session, world):
    theirs = record(session, world.other_officer, reference="HACK-1")
    mine = record(session, world.officer, reference="CAMD-1")
    headers = bearer(session, world.officer)
    assert client.get(f"{API}/{theirs.id}", headers=headers).status_code == 404
    ended = client.post(
        f"{API}/{theirs.id}/end",
        json={"on": today().isoformat(), "reason": "Stopped"},
        headers=headers,
    )
    assert ended.status_code == 404
    assert [row["id"] for row in client.get(API, headers=headers).json()["items"]] == [mine.id]
    sign_in_pages(client, session, world.officer)
    page = client.get(f"/privacy/agreements/{theirs.id}", headers={"Accept": "text/html"})
    assert page.status_code == 404


def test_a_scheme_admin_names_the_council_and_sees_every_council(client, session, world):
    admin = make_admin(session)
    headers = bearer(session, admin)
    unnamed = client.post(API, json=body(world), headers=headers)
    assert (unnamed.status_code, unnamed.json()["field"]) == (422, "council_id")
    named = client.post(API, json=body(world, council_id=world.other_council.id), headers=headers)
    assert named.status_code == 201 and named.json()["council_id"] == world.other_council.id
    record(session, world.officer, reference="CAMD-1")
    assert client.get(API, headers=headers).json()["total"] == 2


def test_school_staff_and_api_keys_cannot_see_or_record_agreements(client, session, world):
    staff = make_user(session, organisation=world.school, role=Role.SCHOOL_STAFF)
    headers = bearer(session, staff)
    assert client.get(API, headers=headers).status_code == 403
    assert client.post(API, json=body(world), headers=headers).status_code == 403
    key = client.post(
        "/api/api-keys",
        json={"name": "Supplier", "organisation_id": world.council.id},
        headers=bearer(session, world.officer),
    ).json()["key"]
    assert client.get(API, headers={"X-API-Key": key}).status_code == 403


def test_an_agreement_ended_early_stops_being_in_force_from_that_day(client, session, world):
    agreement = record(session, world.officer)
    headers = bearer(session, world.officer)
    late = client.post(
        f"{API}/{agreement.id}/end",
        json={"on": (agreement.ends_on + timedelta(days=1)).isoformat(), "reason": "x"},
        headers=headers,
    )
    assert (late.status_code, late.json()["field"]) == (422, "on")
    ended = client.post(
        f"{API}/{agreement.id}/end",
        json={"on": today().isoformat(), "reason": "The supplier went out of business"},
        headers=headers,
    )
    assert ended.status_code == 200, ended.text
    assert ended.json()["last_day"] == (today() - timedelta(days=1)).isoformat()
    assert client.get(f"{API}?status=ended", headers=headers).json()["total"] == 1
    assert client.get(f"{API}?status=in-force", headers=headers).json()["total"] == 0
    again = client.post(
        f"{API}/{agreement.id}/end",
        json={"on": today().isoformat(), "reason": "y"},
        headers=headers,
    )
    assert again.status_code == 409


def test_the_list_filters_by_status_and_exports_csv(client, session, world):
    record(session, world.officer, reference="NOW-1", categories=["contact", "pupil"])
    record(
        session,
        world.officer,
        reference="LATER-1",
        starts_on=today() + timedelta(days=10),
        ends_on=today() + timedelta(days=100),
    )
    record(
        session,
        world.officer,
        reference="PAST-1",
        starts_on=today() - timedelta(days=100),
        ends_on=today() - timedelta(days=1),
    )
    headers = bearer(session, world.officer)
    for status, reference in (
        ("in-force", "NOW-1"),
        ("not-started", "LATER-1"),
        ("ended", "PAST-1"),
    ):
        rows = client.get(f"{API}?status={status}", headers=headers).json()["items"]
        assert [row["reference"] for row in rows] == [reference]
    exported = client.get(f"{API}?format=csv&sort=reference", headers=headers)
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [row["reference"] for row in rows] == ["LATER-1", "NOW-1", "PAST-1"]
    assert rows[1]["categories"] == "contact; pupil"
    assert rows[2]["status"] == "ended"


def form(token: str, world: World, **changes: str) -> dict:
    start, end = today(), today() + timedelta(days=365)
    return {
        "csrf_token": token,
        "reference": "ISG-55",
        "partner_id": str(world.trust.id),
        "partner_name": "",
        "purpose": "Repairs",
        "categories": ["contact", "preference"],
        "starts_on-day": str(start.day),
        "starts_on-month": str(start.month),
        "starts_on-year": str(start.year),
        "ends_on-day": str(end.day),
        "ends_on-month": str(end.month),
        "ends_on-year": str(end.year),
    } | changes


def test_the_form_records_an_agreement_and_shows_it(client, session, world):
    token = sign_in_pages(client, session, world.officer)
    assert client.get("/privacy/agreements/new").status_code == 200
    response = client.post("/privacy/agreements", data=form(token, world), follow_redirects=False)
    assert response.status_code == 303, response.text
    agreement = session.exec(select(SharingAgreement)).one()
    assert response.headers["location"] == f"/privacy/agreements/{agreement.id}?done=recorded"
    assert agreement.categories == ["contact", "preference"]
    page = client.get(response.headers["location"]).text
    assert "ISG-55" in page and "Northern Star Trust" in page and "Agreement recorded." in page
    listed = client.get("/privacy/agreements").text
    assert f'href="/privacy/agreements/{agreement.id}"' in listed


def test_a_wrong_form_shows_each_problem_keeps_the_values_and_saves_nothing(client, session, world):
    token = sign_in_pages(client, session, world.officer)
    wrong = form(
        token,
        world,
        reference="KEEP-ME",
        partner_name="Also named",
        categories=[],
        **{"ends_on-year": str(today().year - 1)},
    )
    response = client.post("/privacy/agreements", data=wrong, follow_redirects=False)
    assert response.status_code == 400
    page = response.text
    assert "There is a problem" in page and 'value="KEEP-ME"' in page
    assert 'href="#categories"' in page
    assert count(session) == 0
    # With the categories fixed, the service's own rules are shown the same way.
    fixed = form(token, world, partner_name="Also named")
    response = client.post("/privacy/agreements", data=fixed, follow_redirects=False)
    assert response.status_code == 400 and 'href="#partner_id"' in response.text
    response = client.post(
        "/privacy/agreements",
        data=form(token, world, **{"ends_on-year": str(today().year - 1)}),
        follow_redirects=False,
    )
    assert response.status_code == 400 and 'href="#ends_on"' in response.text
    assert count(session) == 0


def test_the_end_early_form_refuses_a_blank_reason_then_ends_it(client, session, world):
    agreement = record(session, world.officer)
    token = sign_in_pages(client, session, world.officer)
    day = today()
    fields = {
        "csrf_token": token,
        "on-day": str(day.day),
        "on-month": str(day.month),
        "on-year": str(day.year),
    }
    url = f"/privacy/agreements/{agreement.id}/end"
    blank = client.post(url, data=fields | {"reason": ""}, follow_redirects=False)
    assert blank.status_code == 400 and 'href="#reason"' in blank.text
    done = client.post(url, data=fields | {"reason": "Contract ended"}, follow_redirects=False)
    assert done.status_code == 303
    session.expire_all()
    assert session.get(SharingAgreement, agreement.id).ended_early_on == day
    assert "Ended" in client.get(f"/privacy/agreements/{agreement.id}").text


def test_a_scheme_admin_chooses_the_council_on_the_form(client, session, world):
    token = sign_in_pages(client, session, make_admin(session))
    assert 'id="council_id"' in client.get("/privacy/agreements/new").text
    unnamed = client.post("/privacy/agreements", data=form(token, world), follow_redirects=False)
    assert unnamed.status_code == 400 and 'href="#council_id"' in unnamed.text
    named = form(token, world, council_id=str(world.other_council.id))
    assert client.post("/privacy/agreements", data=named, follow_redirects=False).status_code == 303
    assert session.exec(select(SharingAgreement)).one().council_id == world.other_council.id
