"""Responses go out compressed, and static files are cached: for a year under a URL that
carries a hash of their content, for a few minutes under any other."""

import gzip
import re
import zlib
from concurrent.futures import ThreadPoolExecutor

import anyio
import pytest

from accounts.models import Role
from dfc.web import assets
from tests.devices import factories
from tests.factories import make_council, make_school, make_user, sign_in_pages

FOREVER = "public, max-age=31536000, immutable"
LAYOUT_ASSETS = (
    "/static/govuk/govuk-frontend.min.css",
    "/static/govuk/govuk-frontend.min.js",
    "/static/app/app.css",
    "/static/app/init.js",
    "/assets/images/favicon.svg",
)


def test_a_page_is_sent_gzipped_to_a_browser_that_accepts_it(client):
    response = client.get("/sign-in", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]
    assert "govuk-template" in response.text  # decoded by the client
    plain = client.get("/sign-in", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert int(response.headers["content-length"]) < len(plain.content) / 2


def test_a_small_answer_is_not_worth_compressing(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200 and len(response.content) < 500
    assert "content-encoding" not in response.headers


def static_urls(page: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/(?:static|assets)/[^"]+)"', page)


def test_the_layout_links_each_static_file_by_a_hash_of_its_content(client):
    urls = static_urls(client.get("/sign-in").text)
    for path in LAYOUT_ASSETS:
        file = assets._file_for(path)
        expected = f"{path}?v={assets.fingerprint(file)}"
        assert expected in urls, (path, urls)


@pytest.mark.parametrize("path", LAYOUT_ASSETS)
def test_a_fingerprinted_static_file_may_be_kept_for_a_year(client, path):
    url = next(url for url in static_urls(client.get("/sign-in").text) if url.startswith(path))
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["cache-control"] == FOREVER


def test_gov_uk_frontend_is_imported_by_init_js_from_the_same_fingerprinted_url(client):
    page = client.get("/sign-in").text
    script = re.search(r'<script type="module" src="(/static/govuk/[^"]+)"', page).group(1)
    assert f'{{"/static/govuk/govuk-frontend.min.js": "{script}"}}' in page  # the import map
    assert "from '/static/govuk/govuk-frontend.min.js'" in client.get("/static/app/init.js").text


@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_static_file_without_its_current_hash_is_kept_only_briefly(client, query):
    response = client.get(f"/static/app/app.css{query}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "public, max-age=300"


def test_gov_uk_fonts_are_named_by_their_content_and_kept_for_a_year(client):
    css = client.get("/static/govuk/govuk-frontend.min.css").text
    font = re.search(r"/assets/fonts/[a-z]+-[0-9a-f]{10}-v\d+\.woff2", css).group(0)
    response = client.get(font)
    assert response.status_code == 200 and response.headers["cache-control"] == FOREVER


def test_a_changed_file_gets_a_new_url(tmp_path, monkeypatch):
    monkeypatch.setattr(assets, "APP_STATIC", tmp_path)
    stylesheet = tmp_path / "app.css"
    stylesheet.write_text("body { color: black; }")
    before = assets.static_url("/static/app/app.css")
    stylesheet.write_text("body { color: #0b0c0c; }")
    after = assets.static_url("/static/app/app.css")
    assert before.startswith("/static/app/app.css?v=") and after != before
    assert assets.static_url("/static/app/missing.css") == "/static/app/missing.css"


def _asgi_get(app, path: str, headers: dict[str, str]) -> tuple[dict, list[dict]]:
    """The raw ASGI messages for a GET, to see a streamed body arrive in parts."""
    messages: list[dict] = []
    requested = False

    async def receive() -> dict:
        nonlocal requested
        if requested:  # the client stays connected until the response ends
            await anyio.sleep_forever()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        messages.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1234),
        "root_path": "",
        "path": path.split("?")[0],
        "raw_path": path.split("?")[0].encode(),
        "query_string": path.partition("?")[2].encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
    }
    # A thread of its own: the browser tests' Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, app, scope, receive, send).result()
    start = next(message for message in messages if message["type"] == "http.response.start")
    bodies = [message for message in messages if message["type"] == "http.response.body"]
    return {k.decode(): v.decode() for k, v in start["headers"]}, bodies


def test_a_csv_download_still_streams_when_compressed(app, client, session):
    council = make_council(session, name="Ourshire")
    school = make_school(session, council=council, name="Ash School")
    for _ in range(30):
        factories.make_device(session, holder=school)
    sign_in_pages(client, session, make_user(session, organisation=school, role=Role.SCHOOL_STAFF))
    cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
    path = "/devices?format=csv"

    headers, bodies = _asgi_get(app, path, {"Cookie": cookies, "Accept-Encoding": "gzip"})
    _plain_headers, plain_bodies = _asgi_get(app, path, {"Cookie": cookies})

    assert headers["content-encoding"] == "gzip" and "content-length" not in headers
    # Each row leaves compressed as it is written, not held back until the end.
    parts = [body["body"] for body in bodies if body.get("more_body")]
    assert len(parts) > 30 and all(parts)
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    # Readable before the rest comes (after the byte-order mark Excel needs).
    first = b"".join(decoder.decompress(part) for part in parts[:2])
    assert first.removeprefix(b"\xef\xbb\xbf").startswith(b"id,")
    whole = gzip.decompress(b"".join(body["body"] for body in bodies))
    assert whole == b"".join(body["body"] for body in plain_bodies)
    assert whole.count(b"\n") == 31
