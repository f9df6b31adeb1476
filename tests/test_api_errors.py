"""One error body everywhere in the API (dfc.errors.ErrorBody), whatever made the error, and
an OpenAPI document that says so on every operation; pages keep their HTML error pages."""

import pytest
from sqlmodel import Session

from accounts.models import Role
from dfc.errors import ErrorBody
from dfc.settings import get_settings
from tests.factories import bearer, make_admin, make_council, make_user


@pytest.fixture
def admin(session: Session) -> dict[str, str]:
    return bearer(session, make_admin(session))


def assert_error_body(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    ErrorBody.model_validate(body)
    assert {"detail", "code", "problems"} <= body.keys()
    assert body["code"] == code and body["detail"]
    return body


def test_a_validation_error_names_each_field(client, admin):
    response = client.post("/api/councils", headers=admin, json={"name": "", "gss_code": "x"})
    body = assert_error_body(response, 422, "invalid")
    assert {p["field"] for p in body["problems"]} == {"name", "gss_code", "la_code"}
    assert "name:" in body["detail"]


def test_a_query_parameter_is_named_without_its_location(client, admin):
    body = assert_error_body(client.get("/api/schools?page=0", headers=admin), 422, "invalid")
    assert body["field"] == "page" and body["problems"][0]["field"] == "page"


def test_a_domain_error_has_the_same_shape(client, session, admin):
    council = make_council(session)
    body = {"name": "Again", "gss_code": council.gss_code, "la_code": council.la_code}
    conflict = assert_error_body(
        client.post("/api/councils", headers=admin, json=body), 409, "conflict"
    )
    assert conflict["problems"] == []
    sorted_wrong = client.get("/api/schools?sort=nope", headers=admin)
    refused = assert_error_body(sorted_wrong, 422, "invalid")
    assert refused["field"] == "sort"
    assert refused["problems"] == [{"field": "sort", "message": refused["detail"]}]
    assert_error_body(client.get("/api/schools/999999", headers=admin), 404, "not-found")
    assert_error_body(client.get("/api/me"), 401, "not-signed-in")
    staff = bearer(session, make_user(session, organisation=council, role=Role.SUPPORT_AGENT))
    assert_error_body(client.get("/api/api-keys", headers=staff), 403, "forbidden")


def test_the_routers_own_404_and_405_have_the_same_shape(client, admin):
    assert_error_body(client.get("/api/no-such-thing", headers=admin), 404, "not-found")
    assert_error_body(client.put("/api/me", headers=admin), 405, "method-not-allowed")


def test_a_body_that_is_not_json_is_a_422_naming_the_body(client, admin):
    response = client.post(
        "/api/councils",
        headers=admin | {"Content-Type": "application/json"},
        content=b'{"name": ',
    )
    body = assert_error_body(response, 422, "invalid")
    assert body["field"] == "body"


def test_a_broken_multipart_body_is_a_422_not_a_400(client, admin):
    response = client.post(
        "/api/schools/import",
        headers=admin | {"Content-Type": "multipart/form-data; boundary=x"},
        content=b"--x\r\nnot a part",
    )
    assert_error_body(response, 422, "invalid")


def test_a_number_too_large_for_the_database_is_a_422_like_any_mistake(client, admin):
    response = client.get(f"/api/schools/{2**70}", headers=admin)
    assert "too large" in assert_error_body(response, 422, "out-of-range")["detail"]


def test_a_body_too_large_has_the_same_shape(client, admin, monkeypatch):
    monkeypatch.setattr(get_settings(), "MAX_REQUEST_BYTES", 10_000)
    response = client.post("/api/councils", headers=admin, json={"name": "x" * 20_000})
    body = assert_error_body(response, 413, "too-large")
    assert body["limit_bytes"] == 10_000


def test_pages_keep_their_html_error_pages(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404 and "<h1" in response.text


def test_every_operation_documents_its_errors_with_the_one_body(app):
    schema = app.openapi()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert "500" in responses, (method, path)
            if operation.get("parameters") or "requestBody" in operation:
                assert "422" in responses, (method, path)
            if operation.get("security"):
                assert {"401", "403"} <= responses.keys(), (method, path)
            for status, response in responses.items():
                if int(status) >= 400 and not (path == "/readyz" and status == "503"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref == "#/components/schemas/ErrorBody", (method, path, status)
