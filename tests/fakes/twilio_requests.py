"""What the fake Twilio keeps of each request it gets, and Twilio's error body: shared by
its message API (twilio_server) and its media files (twilio_media)."""

import base64
import time
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    form: dict[str, str]
    headers: dict[str, str]
    query: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)  # when it arrived (time.monotonic)

    @property
    def basic_auth(self) -> tuple[str, str] | None:
        """(username, password) from the Authorization header, if it is HTTP basic auth."""
        scheme, _, encoded = self.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic":
            return None
        username, _, password = base64.b64decode(encoded).decode().partition(":")
        return username, password


def twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    return {
        "code": code,
        "message": message,
        "status": status,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
    }
