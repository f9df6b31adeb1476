"""Liveness, readiness and request ids."""

from dfc.settings import get_settings


def test_liveness_answers(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_readiness_checks_the_database_and_the_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    assert response.json()["checks"] == {"database": "ok", "broker": "ok"}


def test_readiness_fails_when_the_broker_is_unreachable(client, monkeypatch):
    settings = get_settings()
    monkeypatch.setattr(settings, "CELERY_BROKER_URL", "redis://127.0.0.1:1/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unreachable"


def test_every_response_carries_a_request_id_and_keeps_a_given_one(client):
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    unsafe = client.get("/healthz", headers={"X-Request-ID": "bad id\nwith newline"})
    assert unsafe.headers["x-request-id"] != "bad id\nwith newline"


def test_the_openapi_document_lists_the_api(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/schools", "/api/users", "/api/api-keys", "/api/auth/token"} <= set(paths)
    assert client.get("/docs").status_code == 200
