"""A crawler over the service's pages, as a person clicks through them: from a first page it
follows every same-origin link and submits every GET form (each list filter and each of its
choices once), bounded, and collects what a person would call broken."""

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from fastapi.testclient import TestClient

# Paths a crawler must not open: they change something or leave the service.
SKIPPED = re.compile(r"^/(sign-out|static/|assets/|docs|redoc|openapi\.json)")
# Words that only a broken page shows a person.
BROKEN_WORDS = re.compile(
    r"\bNone\b|\bnull\b|\bundefined\b|Traceback|Project-Id-Version|Content-Transfer-Encoding"
)
SAME_KIND_LIMIT = 3  # pages per address shape (ids and numbers made alike)
ID = re.compile(r"/\d+(?=/|$)")


class _Page(HTMLParser):
    """The links, GET forms, title and words a person reads on one page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[dict] = []
        self.title = ""
        self.words: list[str] = []
        self.staff_words: list[str] = []  # under an element marked lang="en" (staff content)
        self._stack: list[tuple[str, bool]] = []  # tag, whether its words are "other language"
        self._select: dict | None = None
        self._form: dict | None = None

    def _other_language(self) -> bool:
        return any(other for _tag, other in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        void = tag in {"br", "img", "input", "meta", "link", "hr", "source", "wbr"}
        if not void:
            marked = ("lang" in attributes and tag != "html") or attributes.get("translate") == "no"
            self._stack.append((tag, marked))
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        elif tag == "form" and attributes.get("method", "get").lower() == "get":
            self._form = {"action": attributes.get("action", ""), "fields": {}, "choices": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag == "input" and attributes.get("name"):
            kind = attributes.get("type", "text")
            if kind in {"radio", "checkbox"}:
                self._form["choices"].setdefault(attributes["name"], []).append(
                    attributes.get("value", "on")
                )
            elif kind != "submit":
                self._form["fields"][attributes["name"]] = attributes.get("value", "")
        elif self._form is not None and tag == "select" and attributes.get("name"):
            self._select = self._form["choices"].setdefault(attributes["name"], [])
        elif self._select is not None and tag == "option":
            self._select.append(attributes.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "form":
            self._form = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if any(tag in {"script", "style"} for tag, _ in self._stack):
            return
        if self._stack and self._stack[-1][0] == "title":
            self.title += data
        (self.staff_words if self._other_language() else self.words).append(data)


@dataclass
class Visit:
    url: str
    status: int
    title: str
    text: str
    came_from: str


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def problem(self, visit: Visit, what: str) -> None:
        self.problems.append(f"{visit.url} ({visit.status}, linked from {visit.came_from}): {what}")


def _without_language(url: str) -> str:
    """The address without ?lang=: the language switcher's links are the same page, and the
    chosen language is remembered in a cookie."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def _shape(url: str) -> tuple:
    """What makes a link a different page to try: its path with ids made alike, which
    query parameters it has, and its sort order. So a list of a thousand devices is opened
    a few times, not a thousand, yet each sort order once."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return ID.sub("/#", parts.path), tuple(sorted(query)), query.get("sort")


def _form_urls(page_url: str, form: dict) -> list[tuple[str, tuple]]:
    """The form sent as it stands, then with each choice of each of its lists in turn,
    each with the shape that makes it tried once per list page."""
    action = urljoin(page_url, form["action"] or urlsplit(page_url).path)
    path = ID.sub("/#", urlsplit(action).path)
    base = {name: value for name, value in form["fields"].items()}
    urls = [(f"{action}?{urlencode(base)}", (path, "form"))]
    for name, values in form["choices"].items():
        for value in values:
            urls.append((f"{action}?{urlencode(base | {name: value})}", (path, name, value)))
    return urls


def crawl(client: TestClient, *starts: str, limit: int = 600) -> Crawl:
    """Opens each start and everything reachable from them, at most `limit` pages."""
    result = Crawl()
    queue: deque[tuple[str, str, tuple, int]] = deque(
        (start, "(start)", _shape(start), SAME_KIND_LIMIT) for start in starts
    )
    opened: dict[tuple, int] = {}
    seen: set[str] = set()
    while queue and len(result.visits) < limit:
        url, came_from, shape, most = queue.popleft()
        if url in seen or opened.get(shape, 0) >= most:
            continue
        seen.add(url)
        opened[shape] = opened.get(shape, 0) + 1
        response = client.get(url, follow_redirects=True)
        final = str(response.url)
        visit = Visit(url, response.status_code, "", "", came_from)
        result.visits.append(visit)
        if response.status_code >= 400:
            result.problem(visit, f"answered {response.status_code}")
            continue
        if "text/html" not in response.headers.get("content-type", ""):
            continue
        page = _Page()
        page.feed(response.text)
        visit.title, visit.text = page.title.strip(), " ".join(page.words)
        if not visit.title:
            result.problem(visit, "has no <title>")
        for broken in BROKEN_WORDS.finditer(visit.text):
            around = visit.text[max(0, broken.start() - 60) : broken.end() + 60]
            result.problem(visit, f"shows {broken.group()!r}: …{' '.join(around.split())}…")
        for link in page.links:
            target = urljoin(final, link)
            parts = urlsplit(target)
            if parts.scheme not in {"http", "https"} or parts.netloc != urlsplit(final).netloc:
                continue
            if SKIPPED.match(parts.path):
                continue
            relative = _without_language(target)
            queue.append((relative, url, _shape(relative), SAME_KIND_LIMIT))
        for form in page.forms:
            for target, shape in _form_urls(final, form):
                if not SKIPPED.match(urlsplit(target).path):
                    queue.append((_without_language(target), url, shape, 1))
    return result
