"""CSV exports: every list that offers format=csv exports (or says why not), each download
starts with UTF-8's byte-order mark, and no export sends more than EXPORT_MAX_ROWS rows."""

import csv
import io

import pytest
from sqlmodel import Session

from accounts.models import Role
from dfc.settings import get_settings
from tests.factories import bearer, make_admin, make_council, make_school, make_user

BOM = b"\xef\xbb\xbf"


def csv_operations(app) -> list[str]:
    """Every GET in the OpenAPI whose `format` parameter offers csv, without an id in its path."""
    found = []
    for path, operations in app.openapi()["paths"].items():
        parameters = operations.get("get", {}).get("parameters", [])
        offers_csv = any(
            p["name"] == "format" and "csv" in p["schema"].get("pattern", "") for p in parameters
        )
        if offers_csv and "{" not in path:
            found.append(path)
    return found


@pytest.fixture
def admin(session: Session) -> dict[str, str]:
    return bearer(session, make_admin(session))


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_every_list_offering_csv_exports_it_with_a_byte_order_mark(app, client, session, admin):
    council = make_council(session, name="Ealing")
    make_school(session, council=council, name="Ðurić Primary")
    paths = csv_operations(app)
    assert {"/api/councils", "/api/trusts", "/api/users", "/api/api-keys"} <= set(paths)
    for path in paths:
        response = client.get(path, params={"format": "csv"}, headers=admin)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"].startswith("text/csv"), path
        assert response.content.startswith(BOM), path
    schools = client.get("/api/schools?format=csv", headers=admin)
    assert [row["name"] for row in rows_of(schools)] == ["Ðurić Primary"]


def test_the_council_and_user_lists_export_what_they_list(client, session, admin):
    council = make_council(session, name="Ealing")
    officer = make_user(session, organisation=council, role=Role.COUNCIL_OFFICER)
    councils = rows_of(client.get("/api/councils?format=csv", headers=admin))
    assert [(row["name"], row["gss_code"]) for row in councils] == [("Ealing", council.gss_code)]
    users = rows_of(
        client.get(f"/api/users?format=csv&organisation_id={council.id}", headers=admin)
    )
    assert [(row["email"], row["role"]) for row in users] == [(officer.email, "council-officer")]
    assert "password" not in users[0]


def test_an_export_over_the_row_limit_is_refused_saying_how_many_matched(
    client, session, admin, monkeypatch
):
    monkeypatch.setattr(get_settings(), "EXPORT_MAX_ROWS", 2)
    council = make_council(session)
    for _ in range(3):
        make_school(session, council=council)
    refused = client.get("/api/schools?format=csv", headers=admin)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert (body["code"], body["field"], body["rows_matched"], body["limit_rows"]) == (
        "export-too-large",
        "format",
        3,
        2,
    )
    assert "3 rows match" in body["detail"] and "narrow the filters" in body["detail"]
    council_b = make_council(session)
    make_school(session, council=council_b)
    make_school(session, council=council_b)
    narrowed = client.get(f"/api/schools?format=csv&council_id={council_b.id}", headers=admin)
    assert narrowed.status_code == 200 and len(rows_of(narrowed)) == 2
    assert client.get("/api/schools", headers=admin).json()["total"] == 5  # pages are unlimited


def test_no_export_sends_a_row_past_the_limit(app, client, session, admin, monkeypatch):
    """With the limit at nothing, an export either sends no row or is refused."""
    monkeypatch.setattr(get_settings(), "EXPORT_MAX_ROWS", 0)
    make_school(session, council=make_council(session))
    refused = set()
    for path in csv_operations(app):
        response = client.get(path, params={"format": "csv"}, headers=admin)
        if response.status_code == 200:
            assert rows_of(response) == [], path
        else:
            assert response.json()["code"] == "export-too-large", (path, response.text)
            refused.add(path)
    assert {"/api/councils", "/api/schools", "/api/users"} <= refused
