"""A local LibreTranslate-compatible HTTP server for tests, answering as LibreTranslate does:
`POST /translate` (JSON or a form: `q` a text or a list, `source`, `target`, `format`,
`api_key`) with `{"translatedText": ...}`; `POST /detect` with `[{"language", "confidence"}]`;
`GET /languages`; and refusals as `{"error": "..."}` with 400 (a missing field, a language
it does not have, no key), 403 (a wrong key) or 500.

Translations are deterministic: a small dictionary of known sentences, else the text marked
with its target language ("[pl] text"), so a test can say exactly what was sent. It records
every request, and fails on demand: the next answers (`fail_next`, `hang_next`) or every
answer until told otherwise (`down`)."""

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

from tests.fakes.local_server import LocalHttpServer, QuietHandler

LANGUAGES = {
    "en": "English",
    "pl": "Polish",
    "ar": "Arabic",
    "es": "Spanish",
    "ro": "Romanian",
    "pt": "Portuguese",
    "tr": "Turkish",
    "ur": "Urdu",
    "cy": "Welsh",
}
# (source, target, text) -> translation: what a real service would say, for readable tests.
DICTIONARY = {
    (
        "pl",
        "en",
        "Dzień dobry, laptop mojego syna nie chce się włączyć. Co mam zrobić?",
    ): "Good morning, my son's laptop will not switch on. What should I do?",
    (
        "en",
        "pl",
        "Please bring the laptop to the school office tomorrow.",
    ): "Proszę jutro przynieść laptopa do sekretariatu szkoły.",
}


def marked(text: str, target: str) -> str:
    """What the fake answers for a text it has no dictionary entry for."""
    return f"[{target}] {text}"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    fields: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass(frozen=True)
class Failure:
    status: int = 500
    error: str = "Cannot translate text: the model failed"
    delay: float = 0.0  # a hang: wait this long (or until stopped) before answering


class FakeTranslate(LocalHttpServer):
    """Start with `with FakeTranslate() as fake:`; set TRANSLATION_URL to `fake.url`."""

    def __init__(self, *, api_key: str | None = None) -> None:
        self.api_key = api_key  # when set, every request must carry it, as with --api-keys
        self._lock = threading.Lock()
        self._requests: list[Request] = []
        self._script: deque[Failure] = deque()
        self._down: Failure | None = None
        super().__init__(self._handler_class())

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._requests)

    @property
    def translations(self) -> list[Request]:
        """The POST /translate requests, oldest first."""
        return [r for r in self.requests if r.method == "POST" and r.path == "/translate"]

    def fail_next(self, *, status: int = 500, error: str = Failure.error) -> None:
        with self._lock:
            self._script.append(Failure(status, error))

    def hang_next(self, seconds: float) -> None:
        """The next request waits `seconds` before its (successful) answer."""
        with self._lock:
            self._script.append(Failure(status=200, delay=seconds))

    def down(self, *, status: int = 500, error: str = Failure.error) -> None:
        """Every request fails so until `up()`."""
        with self._lock:
            self._down = Failure(status, error)

    def up(self) -> None:
        with self._lock:
            self._down = None

    def _failure(self) -> Failure | None:
        with self._lock:
            return self._script.popleft() if self._script else self._down

    def answer(self, request: Request) -> tuple[int, Any]:
        """The status and JSON body LibreTranslate would send for `request`."""
        with self._lock:
            self._requests.append(request)
        failure = self._failure()
        if failure is not None:
            if failure.delay:
                self._stopping.wait(failure.delay)
            if failure.status != 200:
                return failure.status, {"error": failure.error}
        if request.method == "GET" and request.path == "/languages":
            return 200, [
                {"code": code, "name": name, "targets": sorted(LANGUAGES)}
                for code, name in LANGUAGES.items()
            ]
        if request.method != "POST" or request.path not in ("/translate", "/detect"):
            return 404, {"error": "Not Found"}
        fields = request.fields
        if self.api_key is not None:
            if not fields.get("api_key"):
                return 400, {"error": "Please contact the server operator to get an API key"}
            if fields["api_key"] != self.api_key:
                return 403, {"error": "Invalid API key"}
        texts = fields.get("q")
        if not texts:
            return 400, {"error": "Invalid request: missing q parameter"}
        if request.path == "/detect":
            return 200, [{"language": _guess(texts), "confidence": 90.0}]
        return self._translate(fields, texts)

    def _translate(self, fields: dict[str, Any], texts: str | list[str]) -> tuple[int, Any]:
        for name in ("source", "target"):
            if not fields.get(name):
                return 400, {"error": f"Invalid request: missing {name} parameter"}
            if fields[name] != "auto" and fields[name] not in LANGUAGES:
                return 400, {"error": f"{fields[name]} is not supported"}
        if fields.get("format", "text") not in ("text", "html"):
            return 400, {"error": f"{fields['format']} format is not supported"}
        source, target = fields["source"], fields["target"]
        one = isinstance(texts, str)
        translated = [
            DICTIONARY.get(
                (source, target, text), text if source == target else marked(text, target)
            )
            for text in ([texts] if one else texts)
        ]
        return 200, {"translatedText": translated[0] if one else translated}

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            def respond(self) -> None:
                raw = self.read_body()
                if "json" in self.headers.get("Content-Type", ""):
                    try:
                        fields = json.loads(raw) if raw else {}
                    except ValueError:
                        fields = None
                else:
                    fields = {k: v[0] for k, v in parse_qs(raw).items()}
                if not isinstance(fields, dict):
                    status, payload = 400, {"error": "Invalid JSON format"}
                else:
                    path = self.path.partition("?")[0]
                    status, payload = fake.answer(Request(self.command, path, fields))
                self.send(status, json.dumps(payload).encode())

        return Handler


def _guess(texts: str | list[str]) -> str:
    text = texts if isinstance(texts, str) else texts[0]
    for source, _target, known in DICTIONARY:
        if known == text:
            return source
    return "en"
