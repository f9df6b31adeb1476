"""The fake Twilio's media files: the photos and files of inbound MMS and WhatsApp messages,
served at Twilio's media addresses only with the account's basic auth (as Twilio does with
HTTP authentication on media turned on), without redirects, and failing on demand."""

import json
import re
import secrets
import threading
from collections import deque
from collections.abc import Callable

from tests.fakes.twilio_requests import RecordedRequest, twilio_error

MEDIA_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<sid>AC\w+)/Messages/MM\w+/Media/ME\w+$")
# (status, content type, body) of a file request's answer.
MediaAnswer = tuple[int, str, bytes]


class TwilioMedia:
    """The files one fake Twilio serves; `authorised(request, account_sid)` is its own check
    of the credentials, the same as for its message API."""

    def __init__(self, authorised: Callable[[RecordedRequest, str], bool]) -> None:
        self._authorised = authorised
        self._lock = threading.Lock()
        self._files: dict[str, tuple[str, bytes]] = {}
        self._failures: deque[int] = deque()

    def add(self, account_sid: str, data: bytes, content_type: str) -> str:
        """Serves `data` as a message's file; returns its address as Twilio gives it in
        MediaUrlN (on api.twilio.com: the SDK's routing sends it here)."""
        path = (
            f"/2010-04-01/Accounts/{account_sid}/Messages/MM{secrets.token_hex(16)}"
            f"/Media/ME{secrets.token_hex(16)}"
        )
        with self._lock:
            self._files[path] = (content_type, data)
        return f"https://api.twilio.com{path}"

    def fail_next(self, status: int = 503) -> None:
        """The next file request gets `status` (a Twilio fault, or 404 for a deleted file)."""
        with self._lock:
            self._failures.append(status)

    def answer(self, request: RecordedRequest) -> MediaAnswer | None:
        """The answer to a file request; None if it is not one."""
        match = MEDIA_PATH.match(request.path)
        if match is None or request.method != "GET":
            return None
        if not self._authorised(request, match["sid"]):
            return _error(401, 20003, "Authenticate")
        with self._lock:
            failure = self._failures.popleft() if self._failures else None
            found = self._files.get(request.path)
        if failure is not None:
            return _error(failure, 20500, "Error")
        if found is None:
            return _error(404, 20404, "Not found")
        return 200, found[0], found[1]


def _error(status: int, code: int, message: str) -> MediaAnswer:
    return status, "application/json", json.dumps(twilio_error(status, code, message)).encode()
