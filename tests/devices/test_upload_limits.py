"""The request body limit: a JSON body or an upload over its limit is refused with 413
before it is read (chunked or not), an import's upload gets its own larger limit, and a
page upload over it gets a page saying so."""

import asyncio

from accounts.models import Role
from dfc.web.body_limit import BodyLimitMiddleware
from tests.factories import make_user, sign_in_pages

HTML = {"Accept": "text/html"}


# --- the request body limit ------------------------------------------------------------


def test_a_json_body_over_the_request_limit_is_refused_with_413_before_it_is_read(
    client, headers, limits
):
    limits(MAX_REQUEST_BYTES=10_000)
    body = b'{"name": "' + b"x" * 20_000 + b'"}'
    response = client.post(
        "/api/families", content=body, headers=headers | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "The request is larger than the limit of 10 KB. Send less at a time.",
        "code": "too-large",
        "problems": [],
        "limit_bytes": 10_000,
    }


def test_a_body_within_the_limit_reaches_the_endpoint(client, headers, limits):
    limits(MAX_REQUEST_BYTES=10_000)
    response = client.post("/api/families", json={"pupil_reference": "x" * 100}, headers=headers)
    assert response.status_code not in (413, 500)


def test_a_chunked_body_without_a_length_is_counted_and_cut_off(client, headers, limits):
    limits(MAX_REQUEST_BYTES=10_000)
    sent: list[int] = []

    def chunks():
        for _ in range(100):
            sent.append(1000)
            yield b" " * 1000

    response = client.post(
        "/api/families", content=chunks(), headers=headers | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "too-large"


def _run(app, scope: dict, chunks: list[bytes]) -> tuple[list[dict], int]:
    """Calls the ASGI app with a body sent in `chunks`; answers what it sent and how many
    chunks it read."""
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    read, sent = 0, []

    async def receive():
        nonlocal read
        read += 1
        return messages[read - 1] if read <= len(messages) else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    return sent, read


def _scope(path: str, headers: dict[str, str], method: str = "POST") -> dict:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "scheme": "http",
        "server": ("test", 80),
        "client": ("test", 1),
        "root_path": "",
    }


def test_the_middleware_stops_reading_a_chunked_body_once_past_the_limit(limits):
    limits(MAX_REQUEST_BYTES=10_000)

    async def reads_everything(scope, receive, send):
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"read it all"})

    app = BodyLimitMiddleware(reads_everything)
    scope = _scope("/api/families", {"content-type": "application/json"})
    sent, read = _run(app, scope, [b"x" * 4000] * 100)
    assert sent[0]["status"] == 413 and read == 3  # 12,000 bytes: past the limit, then stop
    assert b"10 KB" in sent[1]["body"]
    sent, read = _run(app, scope, [b"x" * 4000] * 2)
    assert (sent[0]["status"], sent[1]["body"]) == (200, b"read it all")
    declared = _scope("/api/families", {"content-length": "400000"})
    sent, read = _run(app, declared, [b"x" * 4000] * 100)
    assert (sent[0]["status"], read) == (413, 0)  # refused from its length, nothing read


def test_an_upload_to_an_import_gets_the_upload_limit_and_other_forms_do_not(
    client, headers, limits
):
    limits(MAX_REQUEST_BYTES=10_000, MAX_UPLOAD_BYTES=50_000)
    files = {"file": ("m.csv", b"holder,received_on\n" + b"x" * 30_000, "text/csv")}
    within = client.post("/api/imports/manifest", files=files, headers=headers)
    assert within.status_code != 413, within.text
    files = {"file": ("m.csv", b"holder,received_on\n" + b"x" * 60_000, "text/csv")}
    over = client.post("/api/imports/manifest", files=files, headers=headers)
    assert over.status_code == 413
    assert over.json()["detail"] == (
        "The file is larger than the limit of 50 KB. Split it into smaller files and upload "
        "each one."
    )
    elsewhere = client.post("/api/families", files=files, headers=headers)
    assert elsewhere.status_code == 413 and "10 KB" in elsewhere.json()["detail"]
    schools = {"file": ("s.csv", b"urn,name,phase,la_code\n" + b"x" * 30_000, "text/csv")}
    response = client.post("/api/schools/import", files=schools, headers=headers)
    assert response.status_code == 422, response.text  # read, and refused for its rows


def test_a_page_upload_over_the_limit_gets_a_page_saying_so(session, client, school, limits):
    limits(MAX_UPLOAD_BYTES=50_000)
    token = sign_in_pages(
        client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF)
    )
    response = client.post(
        "/imports",
        data={"csrf_token": token, "kind": "manifest"},
        files={"file": ("big.csv", b"x" * 60_000, "text/csv")},
        headers=HTML,
    )
    assert response.status_code == 413
    assert "govuk-heading-l" in response.text and "larger than the limit of 50 KB" in response.text
