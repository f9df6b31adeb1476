"""A local Twilio-compatible HTTP server for tests: the real SDK posts messages to it (through
TWILIO_API_BASE_URL), it records each request, and answers as scripted: 201 by default, or a
Twilio error, a rate limit, a server error, silence longer than the client will wait, or a
connection closed without an answer; one answer at a time (`*_next`) or every answer for a
while (`*_for`, an outage), and every accepted message a little late if `latency` is set.
Like Twilio, it lists the messages it accepted (GET Messages.json?To=...), newest first, so a
sender can ask whether a message got through. It also serves the files of inbound MMS and
WhatsApp messages (`add_media`, tests/fakes/twilio_media.py) at Twilio's media addresses,
only with the account's basic auth, as Twilio does with HTTP authentication on media turned
on, and without redirects. A WhatsApp template sent by content SID (`content_templates`)
is kept, like Twilio's, as the template's text with its variables in it."""

import json
import re
import secrets
import socket
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, quote

from twilio.request_validator import RequestValidator

from notifications.segments import count_segments
from tests.fakes.local_server import LocalHttpServer, QuietHandler
from tests.fakes.twilio_media import MEDIA_PATH, MediaAnswer, TwilioMedia
from tests.fakes.twilio_requests import RecordedRequest, twilio_error

__all__ = ["MEDIA_PATH", "FakeTwilio", "RecordedRequest", "twilio_error"]
MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages\.json$")


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any] | None = None  # None: the default created message
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0
    drop: bool = False  # close the connection instead of answering
    accept: bool | None = None  # take the message; None: only a plain 201 does

    @property
    def accepts(self) -> bool:
        return self.accept if self.accept is not None else self.status == 201 and not self.body

    @property
    def kind(self) -> str:
        """How `answered` counts it: the status, "hang" or "drop"."""
        return "drop" if self.drop else "hang" if self.delay else str(self.status)


@dataclass(frozen=True)
class Outage:
    """Every message request between `start` and `end` (time.monotonic) gets `answer`."""

    start: float
    end: float
    answer: Answer


class FakeTwilio(LocalHttpServer):
    """Start with `with FakeTwilio() as fake:`; point the SDK at `fake.url`."""

    def __init__(self, *, auth_token: str | None = None) -> None:
        self.auth_token = auth_token  # when set, the password must match too
        self._lock = threading.Lock()
        self._requests: list[RecordedRequest] = []
        self._accepted: list[dict[str, Any]] = []
        self._script: deque[Answer] = deque()
        self._outages: deque[Outage] = deque()
        self._answered: Counter[str] = Counter()
        self._exchanges: list[tuple[RecordedRequest, str]] = []
        self._in_flight = 0
        self._connections = 0
        self.latency = 0.0  # seconds every accepted message waits for its answer
        self._media = TwilioMedia(self._authorised)
        # Content API templates approved on this account: content SID -> text with {{1}}...
        self.content_templates: dict[str, str] = {}
        super().__init__(self._handler_class())

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    @property
    def accepted(self) -> list[dict[str, Any]]:
        """Every message the server took (answered or not), oldest first: what Twilio sends."""
        with self._lock:
            return list(self._accepted)

    @property
    def answered(self) -> Counter[str]:
        """How many message requests got each kind of answer: "201", "429", "hang", "drop"..."""
        with self._lock:
            return Counter(self._answered)

    @property
    def exchanges(self) -> list[tuple[RecordedRequest, str]]:
        """Every message request (POST) with the kind of answer it got, in the order taken."""
        with self._lock:
            return list(self._exchanges)

    @property
    def connections(self) -> int:  # TCP connections opened so far (one serves many)
        with self._lock:
            return self._connections

    @property
    def in_flight(self) -> int:
        """Message requests taken and not yet answered (hanging, or slow from `latency`)."""
        with self._lock:
            return self._in_flight

    # The script: each queued answer is used by one message request, in order.
    def _queue(self, answer: Answer) -> None:
        with self._lock:
            self._script.append(answer)

    def fail_next(
        self,
        *,
        status: int = 400,
        code: int = 21211,
        message: str = "The 'To' number is not a valid phone number.",
    ) -> None:
        self._queue(Answer(status, twilio_error(status, code, message)))

    def rate_limit_next(self, *, retry_after: int | None = 1) -> None:
        headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
        self._queue(Answer(429, twilio_error(429, 20429, "Too Many Requests"), headers))

    def server_error_next(self, *, status: int = 500, accepted: bool = False) -> None:
        """A server error; `accepted`: having taken the message first, as Twilio may."""
        self._queue(_server_error(status, accepted))

    def hang_next(self, seconds: float) -> None:
        """Takes the message, then waits `seconds` (or until stopped) before answering 201,
        like a stalled API: a client that stops waiting never learns it was accepted."""
        self._queue(Answer(201, delay=seconds))

    def drop_next(self, *, accepted: bool) -> None:
        """Closes the connection without an answer, having taken the message or not."""
        self._queue(Answer(201 if accepted else 500, drop=True))

    # Outages: every message request gets the same answer for a while. One outage starts
    # when the one before it ends, so `rate_limit_for(5)` then `server_error_for(5)` is ten
    # seconds of trouble. Scripted `*_next` answers come first.
    def _outage(self, seconds: float, answer: Answer) -> None:
        with self._lock:
            start = max([time.monotonic(), *(outage.end for outage in self._outages)])
            self._outages.append(Outage(start, start + seconds, answer))

    def rate_limit_for(self, seconds: float, *, retry_after: int | None = 1) -> None:
        headers = (("Retry-After", str(retry_after)),) if retry_after is not None else ()
        self._outage(seconds, Answer(429, twilio_error(429, 20429, "Too Many Requests"), headers))

    def server_error_for(
        self, seconds: float, *, status: int = 500, accepted: bool = False
    ) -> None:
        self._outage(seconds, _server_error(status, accepted))

    def hang_for(self, seconds: float, *, hang: float) -> None:
        """Takes every message for `seconds`, each answered `hang` seconds late."""
        self._outage(seconds, Answer(201, delay=hang))

    def drop_for(self, seconds: float, *, accepted: bool) -> None:
        self._outage(seconds, Answer(201 if accepted else 500, drop=True))

    # Media files (tests/fakes/twilio_media.py), checked with the same credentials.
    def add_media(self, account_sid: str, data: bytes, content_type: str) -> str:
        """Serves `data` as a message's file; returns its MediaUrlN address."""
        return self._media.add(account_sid, data, content_type)

    def fail_media_next(self, status: int = 503) -> None:
        """The next file request gets `status` (a Twilio fault, or 404 for a deleted file)."""
        self._media.fail_next(status)

    def media_answer(self, request: RecordedRequest) -> MediaAnswer | None:
        """(status, content type, body) for a file request; None if it is not one."""
        return self._media.answer(request)

    @staticmethod
    def signed_status_callback(
        url: str, auth_token: str, params: dict[str, str]
    ) -> tuple[dict[str, str], str]:
        """The form and the X-Twilio-Signature Twilio would send to `url`."""
        return dict(params), RequestValidator(auth_token).compute_signature(url, params)

    def _next_answer(self) -> Answer:
        with self._lock:
            if self._script:
                return self._script.popleft()
            now = time.monotonic()
            while self._outages and self._outages[0].end <= now:
                self._outages.popleft()
            if self._outages and self._outages[0].start <= now:
                return self._outages[0].answer
            return Answer(201)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _authorised(self, request: RecordedRequest, account_sid: str) -> bool:
        credentials = request.basic_auth
        if credentials is None or credentials[0] != account_sid:
            return False
        return self.auth_token is None or credentials[1] == self.auth_token

    def answer(self, request: RecordedRequest) -> tuple[Answer, dict[str, Any]]:
        """What to send back for a recorded request: the answer and its JSON body."""
        match = MESSAGES_PATH.match(request.path)
        if request.method not in ("POST", "GET") or match is None:
            return Answer(404), twilio_error(404, 20404, "The requested resource was not found")
        if not self._authorised(request, match["sid"]):
            return Answer(401), twilio_error(401, 20003, "Authenticate")
        if request.method == "GET":
            return Answer(200), self._message_list(request)
        answer = self._next_answer()
        created = None
        with self._lock:
            self._answered[answer.kind] += 1
            self._exchanges.append((request, answer.kind))
            if answer.accepts:
                created = created_message(match["sid"], request.form, self.content_templates)
                self._accepted.append(created)
            self._in_flight += 1
        delay = answer.delay or (self.latency if created and answer.status == 201 else 0.0)
        try:
            if delay:
                self._stopping.wait(delay)
        finally:
            with self._lock:
                self._in_flight -= 1
        return answer, answer.body if answer.body is not None else (created or {})

    def _message_list(self, request: RecordedRequest) -> dict[str, Any]:
        """One page of accepted messages to `To` (all when not given), newest first, with a
        link to the next page as Twilio gives it."""
        to = request.query.get("To")
        with self._lock:
            found = [m for m in reversed(self._accepted) if to is None or m["to"] == to]
        size = int(request.query.get("PageSize", 50))
        page = int(request.query.get("Page", 0))
        start = page * size
        more = start + size < len(found)
        query = f"PageSize={size}&Page={page + 1}" + (f"&To={quote(to)}" if to else "")
        return {
            "messages": found[start : start + size],
            "page": page,
            "page_size": size,
            "start": start,
            "end": min(start + size, len(found)) - 1,
            "first_page_uri": request.path,
            "next_page_uri": f"{request.path}?{query}" if more else None,
            "previous_page_uri": None,
            "uri": request.path,
        }

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(QuietHandler):
            # Kept alive as Twilio's are (60 s idle); no Nagle holding bodies for delayed ACKs.
            protocol_version, timeout, disable_nagle_algorithm = "HTTP/1.1", 60, True

            def setup(self) -> None:
                super().setup()
                with fake._lock:
                    fake._connections += 1

            def respond(self) -> None:
                form = {
                    key: values[0]
                    for key, values in parse_qs(self.read_body(), keep_blank_values=True).items()
                }
                path, _, query = self.path.partition("?")
                request = RecordedRequest(
                    self.command,
                    path,
                    form,
                    dict(self.headers.items()),
                    {key: values[0] for key, values in parse_qs(query).items()},
                )
                fake._record(request)
                media = fake.media_answer(request)
                if media is not None:
                    status, content_type, content = media
                    self.send(status, content, content_type)
                    return
                answer, payload = fake.answer(request)
                if answer.drop:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send(answer.status, json.dumps(payload).encode(), headers=answer.headers)

        return Handler


def _server_error(status: int, accepted: bool) -> Answer:
    return Answer(status, twilio_error(status, 20500, "Internal Server Error"), accept=accepted)


def created_message(
    account_sid: str, form: dict[str, str], content_templates: dict[str, str] | None = None
) -> dict[str, Any]:
    """A message resource as Twilio returns it from a create, freshly queued; a Content API
    template's text with its variables in it, as Twilio keeps it."""
    sid = "SM" + secrets.token_hex(16)
    body = form.get("Body", "")
    if form.get("ContentSid"):
        values = json.loads(form.get("ContentVariables") or "{}")
        text = (content_templates or {}).get(form["ContentSid"], "")
        body = re.sub(r"\{\{(\d+)\}\}", lambda found: values.get(found[1], ""), text)
    segments, _ = count_segments(body)
    now = formatdate(usegmt=True)
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": body,
        "date_created": now,
        "date_updated": now,
        "date_sent": None,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": form.get("From"),
        "messaging_service_sid": form.get("MessagingServiceSid"),
        "num_media": "0",
        "num_segments": str(segments),
        "price": None,
        "price_unit": "USD",
        "sid": sid,
        "status": "queued",
        "to": form.get("To"),
        "subresource_uris": {
            "media": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}/Media.json"
        },
        "uri": f"/2010-04-01/Accounts/{account_sid}/Messages/{sid}.json",
    }
